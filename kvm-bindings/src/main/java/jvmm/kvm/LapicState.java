package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The local APIC register page ({@code struct kvm_lapic_state}): 32-bit registers at 16-byte
 * strides. The VMM's one use: route LINT0 as ExtINT (the legacy PIC) and LINT1 as NMI, the
 * virtual-wire setup Linux expects from firmware.
 */
public final class LapicState {
    /** LVT LINT0 register offset. */
    public static final int APIC_LVT0 = 0x350;
    /** LVT LINT1 register offset. */
    public static final int APIC_LVT1 = 0x360;
    /** LVT delivery mode: fixed. */
    public static final int DELIVERY_FIXED = 0;
    /** LVT delivery mode: NMI. */
    public static final int DELIVERY_NMI = 4;
    /** LVT delivery mode: ExtINT. */
    public static final int DELIVERY_EXTINT = 7;

    private static final int DELIVERY_MODE_SHIFT = 8;
    private static final int DELIVERY_MODE_MASK = 0x7 << DELIVERY_MODE_SHIFT;

    private final MemorySegment segment;

    /** All zero; normally start from {@link VcpuFd#getLapic()}. */
    public LapicState() {
        this(Arena.ofAuto().allocate(KvmLayouts.KVM_LAPIC_STATE));
    }

    LapicState(MemorySegment segment) {
        this.segment = segment;
    }

    /** The 32-bit register at {@code offset} (a multiple of 16 below 0x400). */
    public int register(int offset) {
        return segment.get(JAVA_INT, checked(offset));
    }

    /** Sets the 32-bit register at {@code offset}. */
    public void register(int offset, int value) {
        segment.set(JAVA_INT, checked(offset), value);
    }

    /** The delivery mode bits (10:8) of the LVT register at {@code offset}. */
    public int deliveryMode(int offset) {
        return (register(offset) & DELIVERY_MODE_MASK) >>> DELIVERY_MODE_SHIFT;
    }

    /** Replaces the delivery mode bits of the LVT register at {@code offset}, keeping the others. */
    public void deliveryMode(int offset, int mode) {
        if (mode < 0 || mode > 7) {
            throw new IllegalArgumentException("delivery mode is 3 bits: " + mode);
        }
        register(offset, (register(offset) & ~DELIVERY_MODE_MASK) | (mode << DELIVERY_MODE_SHIFT));
    }

    private static long checked(int offset) {
        if (offset < 0 || offset >= 0x400 || offset % 16 != 0) {
            throw new IllegalArgumentException("not a local APIC register offset: 0x" + Integer.toHexString(offset));
        }
        return offset;
    }

    MemorySegment segment() {
        return segment;
    }
}
