package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A vCPU's {@code struct kvm_fpu}. A fresh vCPU needs the x87 control word and MXCSR at their
 * power-on defaults ({@link #FCW_DEFAULT}, {@link #MXCSR_DEFAULT}) before the kernel's FPU code
 * runs, which is all the VMM sets. Note that KVM_GET_FPU does not report mxcsr (it reads back
 * as 0) although KVM_SET_FPU writes it.
 */
public final class Fpu {
    /** x87 control word after FNINIT: all exceptions masked, 64-bit precision. */
    public static final int FCW_DEFAULT = 0x37f;
    /** MXCSR at reset: all SSE exceptions masked. */
    public static final int MXCSR_DEFAULT = 0x1f80;

    private static final long FCW = KvmLayouts.offset(KvmLayouts.KVM_FPU, "fcw");
    private static final long MXCSR = KvmLayouts.offset(KvmLayouts.KVM_FPU, "mxcsr");

    private final MemorySegment segment;

    /** All zero. */
    public Fpu() {
        this(Arena.ofAuto().allocate(KvmLayouts.KVM_FPU));
    }

    Fpu(MemorySegment segment) {
        this.segment = segment;
    }

    public int fcw() { return Short.toUnsignedInt(segment.get(JAVA_SHORT, FCW)); }
    public void fcw(int value) { segment.set(JAVA_SHORT, FCW, (short) value); }
    public int mxcsr() { return segment.get(JAVA_INT, MXCSR); }
    public void mxcsr(int value) { segment.set(JAVA_INT, MXCSR, value); }

    MemorySegment segment() {
        return segment;
    }
}
