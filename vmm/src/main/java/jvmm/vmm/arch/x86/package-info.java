/**
 * The pure x86-64 boot pieces: the guest-physical {@link jvmm.vmm.arch.x86.Layout}, the E820 map,
 * the zero page, the MP table, the boot GDT and page tables. None of it talks to KVM: the vCPU setup turns the
 * constants and decoded segments here into registers.
 */
package jvmm.vmm.arch.x86;
