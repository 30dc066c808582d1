package jvmm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Why KVM_RUN returned, decoded once from {@code kvm_run}. A closed set: the vCPU loop matches
 * it with an exhaustive switch.
 *
 * <p>The {@code data} segments of I/O and MMIO exits are views of the vCPU's kvm_run page:
 * valid until the next {@link VcpuFd#run()}, and writing them (for IN and MMIO reads) is how
 * the VMM answers the guest.
 */
public sealed interface VcpuExit {

    /** Guest IN: fill {@code data} ({@code size * count} bytes) with what the port returns. */
    record IoIn(int port, int size, int count, MemorySegment data) implements VcpuExit {
        /** Answers a single (count 1) IN of {@code size} bytes with {@code value}, little endian. */
        public void respond(long value) {
            putLittleEndian(data, 0, size, value);
        }
    }

    /** Guest OUT: {@code data} holds {@code size * count} bytes written to the port. */
    record IoOut(int port, int size, int count, MemorySegment data) implements VcpuExit {
        /** The value of a single (count 1) OUT, little endian, zero extended. */
        public long value() {
            return getLittleEndian(data, 0, size);
        }
    }

    /** Guest read of unbacked memory: {@link #respond} fills {@code data} (len bytes). */
    record MmioRead(long address, int length, MemorySegment data) implements VcpuExit {
        /** Answers the read with the low {@code length} bytes of {@code value}, little endian. */
        public void respond(long value) {
            putLittleEndian(data, 0, length, value);
        }
    }

    /** Guest write to unbacked memory: {@code data} holds {@code length} bytes. */
    record MmioWrite(long address, int length, MemorySegment data) implements VcpuExit {
        /** The written bytes as a little-endian number, zero extended. */
        public long value() {
            return getLittleEndian(data, 0, length);
        }
    }

    /** The guest executed HLT (only seen without an in-kernel irqchip). */
    record Hlt() implements VcpuExit {
    }

    /** Triple fault or similar: the guest is dead. */
    record Shutdown() implements VcpuExit {
    }

    /** The guest asked for shutdown, reset, or reported a crash (PSCI, ACPI, SEV). */
    record SystemEvent(int type, long flags) implements VcpuExit {
        public static final int SHUTDOWN = 1;
        public static final int RESET = 2;
        public static final int CRASH = 3;
    }

    /** VM entry failed; {@code reason} is the hardware's (e.g. VMX exit qualification). */
    record FailEntry(long reason, int cpu) implements VcpuExit {
    }

    /** KVM itself could not continue (emulation failure and friends). */
    record InternalError(int suberror, long[] data) implements VcpuExit {
    }

    /** KVM_RUN returned EINTR: a signal or {@code immediate_exit} asked the vCPU to come back. */
    record Intr() implements VcpuExit {
    }

    /** Any exit reason jvmm does not handle; {@code reason} is the KVM_EXIT_* number. */
    record Unknown(int reason, long hardwareReason) implements VcpuExit {
    }

    private static void putLittleEndian(MemorySegment data, long offset, int length, long value) {
        for (int i = 0; i < length; i++) {
            data.set(JAVA_BYTE, offset + i, (byte) (value >>> (8 * i)));
        }
    }

    private static long getLittleEndian(MemorySegment data, long offset, int length) {
        long value = 0;
        for (int i = 0; i < Math.min(length, 8); i++) {
            value |= Byte.toUnsignedLong(data.get(JAVA_BYTE, offset + i)) << (8 * i);
        }
        return value;
    }
}
