package jvmm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The shared {@code kvm_run} page of a vCPU: exit reason constants and the decoder that turns
 * the page into a {@link VcpuExit}. Public so tests can decode a hand-built page.
 */
public final class KvmRun {
    public static final int KVM_EXIT_UNKNOWN = 0;
    public static final int KVM_EXIT_EXCEPTION = 1;
    public static final int KVM_EXIT_IO = 2;
    public static final int KVM_EXIT_HYPERCALL = 3;
    public static final int KVM_EXIT_DEBUG = 4;
    public static final int KVM_EXIT_HLT = 5;
    public static final int KVM_EXIT_MMIO = 6;
    public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
    public static final int KVM_EXIT_SHUTDOWN = 8;
    public static final int KVM_EXIT_FAIL_ENTRY = 9;
    public static final int KVM_EXIT_INTR = 10;
    public static final int KVM_EXIT_INTERNAL_ERROR = 17;
    public static final int KVM_EXIT_SYSTEM_EVENT = 24;
    public static final int KVM_EXIT_IO_IN = 0;
    public static final int KVM_EXIT_IO_OUT = 1;
    public static final int KVM_SYSTEM_EVENT_SHUTDOWN = VcpuExit.SystemEvent.SHUTDOWN;
    public static final int KVM_SYSTEM_EVENT_RESET = VcpuExit.SystemEvent.RESET;
    public static final int KVM_SYSTEM_EVENT_CRASH = VcpuExit.SystemEvent.CRASH;

    static final long IMMEDIATE_EXIT = at("immediate_exit");
    static final long EXIT_REASON = at("exit_reason");
    private static final long HW_REASON = at("hw", "hardware_exit_reason");
    private static final long FAIL_REASON = at("fail_entry", "hardware_entry_failure_reason");
    private static final long FAIL_CPU = at("fail_entry", "cpu");
    private static final long IO_DIRECTION = at("io", "direction");
    private static final long IO_SIZE = at("io", "size");
    private static final long IO_PORT = at("io", "port");
    private static final long IO_COUNT = at("io", "count");
    private static final long IO_DATA_OFFSET = at("io", "data_offset");
    private static final long MMIO_ADDRESS = at("mmio", "phys_addr");
    private static final long MMIO_DATA = at("mmio", "data");
    private static final long MMIO_LEN = at("mmio", "len");
    private static final long MMIO_IS_WRITE = at("mmio", "is_write");
    private static final long INTERNAL_SUBERROR = at("internal", "suberror");
    private static final long INTERNAL_NDATA = at("internal", "ndata");
    private static final long INTERNAL_DATA = at("internal", "data");
    private static final long EVENT_TYPE = at("system_event", "type");
    private static final long EVENT_FLAGS = at("system_event", "flags");
    private static final int MAX_INTERNAL_DATA = 16;
    private static final int MMIO_DATA_BYTES = 8;

    static final VcpuExit.Hlt HLT = new VcpuExit.Hlt();
    static final VcpuExit.Shutdown SHUTDOWN = new VcpuExit.Shutdown();
    static final VcpuExit.Intr INTR = new VcpuExit.Intr();

    private KvmRun() {
    }

    /**
     * Decodes the exit recorded in {@code run} (at least sizeof(struct kvm_run) bytes; for I/O
     * exits the whole mmap'd area, since the data lives after the struct). A page that
     * contradicts itself (I/O data outside the page, an MMIO length above 8) is a KVM or
     * bookkeeping bug and throws IllegalStateException.
     */
    public static VcpuExit decode(MemorySegment run) {
        int reason = run.get(JAVA_INT, EXIT_REASON);
        return switch (reason) {
            case KVM_EXIT_IO -> decodeIo(run);
            case KVM_EXIT_MMIO -> decodeMmio(run);
            case KVM_EXIT_HLT -> HLT;
            case KVM_EXIT_SHUTDOWN -> SHUTDOWN;
            case KVM_EXIT_INTR -> INTR;
            case KVM_EXIT_SYSTEM_EVENT ->
                    new VcpuExit.SystemEvent(run.get(JAVA_INT, EVENT_TYPE), run.get(JAVA_LONG, EVENT_FLAGS));
            case KVM_EXIT_FAIL_ENTRY ->
                    new VcpuExit.FailEntry(run.get(JAVA_LONG, FAIL_REASON), run.get(JAVA_INT, FAIL_CPU));
            case KVM_EXIT_INTERNAL_ERROR -> decodeInternalError(run);
            default -> new VcpuExit.Unknown(reason, run.get(JAVA_LONG, HW_REASON));
        };
    }

    private static VcpuExit decodeIo(MemorySegment run) {
        int size = Byte.toUnsignedInt(run.get(JAVA_BYTE, IO_SIZE));
        int port = Short.toUnsignedInt(run.get(JAVA_SHORT, IO_PORT));
        int count = run.get(JAVA_INT, IO_COUNT);
        long dataOffset = run.get(JAVA_LONG, IO_DATA_OFFSET);
        long bytes = (long) size * Integer.toUnsignedLong(count);
        if (dataOffset < 0 || bytes > run.byteSize() || dataOffset > run.byteSize() - bytes) {
            throw new IllegalStateException("kvm_run I/O data [" + dataOffset + "+" + bytes
                    + ") outside the " + run.byteSize() + "-byte run area");
        }
        MemorySegment data = run.asSlice(dataOffset, bytes);
        return run.get(JAVA_BYTE, IO_DIRECTION) == KVM_EXIT_IO_OUT
                ? new VcpuExit.IoOut(port, size, count, data)
                : new VcpuExit.IoIn(port, size, count, data);
    }

    private static VcpuExit decodeMmio(MemorySegment run) {
        long address = run.get(JAVA_LONG, MMIO_ADDRESS);
        int length = run.get(JAVA_INT, MMIO_LEN);
        if (length < 0 || length > MMIO_DATA_BYTES) {
            throw new IllegalStateException("kvm_run MMIO length " + length + " above 8");
        }
        MemorySegment data = run.asSlice(MMIO_DATA, length);
        return run.get(JAVA_BYTE, MMIO_IS_WRITE) != 0
                ? new VcpuExit.MmioWrite(address, length, data)
                : new VcpuExit.MmioRead(address, length, data);
    }

    private static VcpuExit decodeInternalError(MemorySegment run) {
        int count = Math.min(Math.max(run.get(JAVA_INT, INTERNAL_NDATA), 0), MAX_INTERNAL_DATA);
        long[] data = new long[count];
        for (int i = 0; i < count; i++) {
            data[i] = run.get(JAVA_LONG, INTERNAL_DATA + 8L * i);
        }
        return new VcpuExit.InternalError(run.get(JAVA_INT, INTERNAL_SUBERROR), data);
    }

    /** Offset of a member of kvm_run, or of a member of one of its exit structs. */
    private static long at(String... path) {
        return KvmLayouts.offsetOf(KvmLayouts.KVM_RUN, String.join(".", path));
    }
}
