package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A vCPU's {@code struct kvm_regs}, backed by native memory that KVM_GET_REGS fills and
 * KVM_SET_REGS reads directly. Registers are addressed by {@link Reg}.
 */
public final class Regs {
    /** The members of kvm_regs, in C order. */
    public enum Reg {
        RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RIP, RFLAGS;

        private final long offset = KvmLayouts.offset(KvmLayouts.KVM_REGS, name().toLowerCase(Locale.ROOT));
    }

    /** rflags bit 1 is reserved and always set; a vCPU with it clear fails entry. */
    public static final long RFLAGS_RESERVED = 0x2;

    private final MemorySegment segment;

    /** All registers zero. */
    public Regs() {
        this(Arena.ofAuto().allocate(KvmLayouts.KVM_REGS));
    }

    Regs(MemorySegment segment) {
        this.segment = segment;
    }

    /** Value of register {@code reg}. */
    public long get(Reg reg) {
        return segment.get(JAVA_LONG, reg.offset);
    }

    /** Sets register {@code reg}; returns this for chaining. */
    public Regs set(Reg reg, long value) {
        segment.set(JAVA_LONG, reg.offset, value);
        return this;
    }

    MemorySegment segment() {
        return segment;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Regs[");
        for (Reg reg : Reg.values()) {
            text.append(reg.name().toLowerCase(Locale.ROOT)).append('=').append(Long.toHexString(get(reg)))
                    .append(reg == Reg.RFLAGS ? "]" : " ");
        }
        return text.toString();
    }
}
