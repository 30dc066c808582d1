/**
 * Kernel loading: {@link jvmm.vmm.loader.KernelLoader} detects a bzImage or an ELF vmlinux, puts
 * it, the initrd, the command line and the zero page into guest memory and says where the 64-bit
 * entry is. Every failure is a {@link jvmm.vmm.loader.KernelLoadException} with its own reason.
 */
package jvmm.vmm.loader;
