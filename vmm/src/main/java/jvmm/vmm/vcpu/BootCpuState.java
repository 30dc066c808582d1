package jvmm.vmm.vcpu;

import java.util.List;
import jvmm.kvm.Fpu;
import jvmm.kvm.KvmSegment;
import jvmm.kvm.LapicState;
import jvmm.kvm.MsrEntry;
import jvmm.kvm.Regs;
import jvmm.kvm.Sregs;
import jvmm.vmm.arch.x86.Gdt;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.arch.x86.PageTables;

/**
 * The register state a vCPU starts Linux with under the 64-bit boot protocol: long mode with our
 * identity page tables and flat GDT, rip at the kernel's 64-bit entry, rsi at the zero page; plus
 * the MSRs, FPU and local APIC state every vCPU needs.
 */
public final class BootCpuState {

    private static final int MSR_IA32_TSC = 0x10;
    private static final int MSR_IA32_SYSENTER_CS = 0x174;
    private static final int MSR_IA32_SYSENTER_ESP = 0x175;
    private static final int MSR_IA32_SYSENTER_EIP = 0x176;
    private static final int MSR_IA32_MISC_ENABLE = 0x1a0;
    private static final int MSR_MTRR_DEF_TYPE = 0x2ff;
    private static final int MSR_STAR = 0xc000_0081;
    private static final int MSR_LSTAR = 0xc000_0082;
    private static final int MSR_CSTAR = 0xc000_0083;
    private static final int MSR_SYSCALL_MASK = 0xc000_0084;
    private static final int MSR_KERNEL_GS_BASE = 0xc000_0102;

    private static final long MISC_ENABLE_FAST_STRING = 1;
    private static final long MTRR_ENABLE = 1 << 11;
    private static final long MTRR_TYPE_WRITE_BACK = 6;

    private BootCpuState() {
    }

    /** MSRs at boot: syscall and sysenter cleared, fast strings on, MTRRs on with write-back. */
    public static List<MsrEntry> bootMsrs() {
        return List.of(
                new MsrEntry(MSR_IA32_SYSENTER_CS, 0),
                new MsrEntry(MSR_IA32_SYSENTER_ESP, 0),
                new MsrEntry(MSR_IA32_SYSENTER_EIP, 0),
                new MsrEntry(MSR_STAR, 0),
                new MsrEntry(MSR_CSTAR, 0),
                new MsrEntry(MSR_KERNEL_GS_BASE, 0),
                new MsrEntry(MSR_SYSCALL_MASK, 0),
                new MsrEntry(MSR_LSTAR, 0),
                new MsrEntry(MSR_IA32_TSC, 0),
                new MsrEntry(MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING),
                new MsrEntry(MSR_MTRR_DEF_TYPE, MTRR_ENABLE | MTRR_TYPE_WRITE_BACK));
    }

    /** The x87 and SSE control words of a freshly reset CPU. */
    public static Fpu bootFpu() {
        Fpu fpu = new Fpu();
        fpu.fcw(Fpu.FCW_DEFAULT);
        fpu.mxcsr(Fpu.MXCSR_DEFAULT);
        return fpu;
    }

    /** LINT0 delivers the legacy PIC (ExtINT), LINT1 delivers NMIs, as on a PC. */
    public static void configureLints(LapicState lapic) {
        lapic.deliveryMode(LapicState.APIC_LVT0, LapicState.DELIVERY_EXTINT);
        lapic.deliveryMode(LapicState.APIC_LVT1, LapicState.DELIVERY_NMI);
    }

    /** Long mode: flat segments from our GDT, paging with our identity map, PAE, LME/LMA. */
    public static void longMode(Sregs sregs) {
        sregs.gdt().base(Layout.GDT_START.value());
        sregs.gdt().limit(Gdt.LIMIT);
        sregs.idt().base(Layout.IDT_START.value());
        sregs.idt().limit(Gdt.IDT_LIMIT);
        load(sregs.cs(), Gdt.codeSegment());
        for (KvmSegment s : List.of(sregs.ds(), sregs.es(), sregs.fs(), sregs.gs(), sregs.ss())) {
            load(s, Gdt.dataSegment());
        }
        load(sregs.tr(), Gdt.tssSegment());
        sregs.cr3(PageTables.CR3);
        sregs.cr4(sregs.cr4() | PageTables.LONG_MODE_CR4);
        sregs.cr0(sregs.cr0() | PageTables.LONG_MODE_CR0);
        sregs.efer(sregs.efer() | PageTables.LONG_MODE_EFER);
    }

    /** The general registers for the 64-bit entry: rip, a stack, rsi pointing at boot_params. */
    public static Regs entryRegs(long entry, long bootParams) {
        Regs regs = new Regs();
        regs.set(Regs.Reg.RFLAGS, Regs.RFLAGS_RESERVED);
        regs.set(Regs.Reg.RIP, entry);
        regs.set(Regs.Reg.RSP, Layout.BOOT_STACK_POINTER.value());
        regs.set(Regs.Reg.RBP, Layout.BOOT_STACK_POINTER.value());
        regs.set(Regs.Reg.RSI, bootParams);
        return regs;
    }

    private static void load(KvmSegment to, Gdt.Segment from) {
        to.base(from.base());
        to.limit(from.limit());
        to.selector(from.selector());
        to.type(from.type());
        to.present(from.present() ? 1 : 0);
        to.dpl(from.dpl());
        to.db(from.db() ? 1 : 0);
        to.s(from.s() ? 1 : 0);
        to.l(from.l() ? 1 : 0);
        to.g(from.g() ? 1 : 0);
        to.avl(from.avl() ? 1 : 0);
        to.unusable(0);
    }
}
