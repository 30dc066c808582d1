/** The KVM API: {@code Kvm} (system fd), {@code VmFd}, {@code VcpuFd}, struct layouts, ioctl numbers. */
package jvmm.kvm;
