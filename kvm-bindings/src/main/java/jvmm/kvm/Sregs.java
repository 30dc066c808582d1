package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A vCPU's {@code struct kvm_sregs}: segment registers, GDTR/IDTR, control registers and EFER,
 * what long-mode setup changes. The segment and table accessors return live views, so
 * {@code sregs.cs().l(1)} edits this struct.
 */
public final class Sregs {
    /** Interrupt vectors KVM tracks; interrupt_bitmap has one bit per vector. */
    public static final int KVM_NR_INTERRUPTS = 256;

    private static final long CR0 = offset("cr0");
    private static final long CR2 = offset("cr2");
    private static final long CR3 = offset("cr3");
    private static final long CR4 = offset("cr4");
    private static final long CR8 = offset("cr8");
    private static final long EFER = offset("efer");
    private static final long APIC_BASE = offset("apic_base");

    private final MemorySegment segment;

    /** All zero; normally start from {@link VcpuFd#getSregs()} instead. */
    public Sregs() {
        this(Arena.ofAuto().allocate(KvmLayouts.KVM_SREGS));
    }

    Sregs(MemorySegment segment) {
        this.segment = segment;
    }

    private static long offset(String member) {
        return KvmLayouts.offset(KvmLayouts.KVM_SREGS, member);
    }

    private KvmSegment seg(String name) {
        return new KvmSegment(segment.asSlice(offset(name), KvmLayouts.KVM_SEGMENT));
    }

    private DTable table(String name) {
        return new DTable(segment.asSlice(offset(name), KvmLayouts.KVM_DTABLE));
    }

    public KvmSegment cs() { return seg("cs"); }
    public KvmSegment ds() { return seg("ds"); }
    public KvmSegment es() { return seg("es"); }
    public KvmSegment fs() { return seg("fs"); }
    public KvmSegment gs() { return seg("gs"); }
    public KvmSegment ss() { return seg("ss"); }
    public KvmSegment tr() { return seg("tr"); }
    public KvmSegment ldt() { return seg("ldt"); }
    public DTable gdt() { return table("gdt"); }
    public DTable idt() { return table("idt"); }

    public long cr0() { return segment.get(JAVA_LONG, CR0); }
    public void cr0(long value) { segment.set(JAVA_LONG, CR0, value); }
    public long cr2() { return segment.get(JAVA_LONG, CR2); }
    public void cr2(long value) { segment.set(JAVA_LONG, CR2, value); }
    public long cr3() { return segment.get(JAVA_LONG, CR3); }
    public void cr3(long value) { segment.set(JAVA_LONG, CR3, value); }
    public long cr4() { return segment.get(JAVA_LONG, CR4); }
    public void cr4(long value) { segment.set(JAVA_LONG, CR4, value); }
    public long cr8() { return segment.get(JAVA_LONG, CR8); }
    public void cr8(long value) { segment.set(JAVA_LONG, CR8, value); }
    public long efer() { return segment.get(JAVA_LONG, EFER); }
    public void efer(long value) { segment.set(JAVA_LONG, EFER, value); }
    public long apicBase() { return segment.get(JAVA_LONG, APIC_BASE); }
    public void apicBase(long value) { segment.set(JAVA_LONG, APIC_BASE, value); }

    MemorySegment segment() {
        return segment;
    }
}
