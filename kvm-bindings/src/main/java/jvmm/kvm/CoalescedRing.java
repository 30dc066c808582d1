package jvmm.kvm;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The ring in which KVM batches guest writes to coalesced zones ({@link VmFd#registerCoalescedMmio})
 * instead of exiting to the VMM for each one: {@code struct kvm_coalesced_mmio_ring}, one page
 * shared by KVM and every vCPU mapping. KVM appends at {@code last} and never overtakes
 * {@code first} (a write that finds the ring full exits as usual); the VMM consumes at
 * {@code first}. A write that was batched reaches its device only when the ring is drained, so
 * the VMM drains it before it handles any exit: then every device sees the guest's accesses in
 * the order the guest made them.
 *
 * <p>Not thread-safe: one drainer at a time (callers lock). KVM fills the ring, not the guest,
 * but a ring whose indices or lengths are out of range is still refused with an exception
 * rather than followed, and one {@link #drain} never takes more than a ring's worth of entries.
 */
public final class CoalescedRing {

    /** Receives each batched write, oldest first. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param pio true for an I/O port write, false for MMIO
         * @param address the port or guest-physical address
         * @param data the bytes written (1 to 8)
         */
        void write(boolean pio, long address, byte[] data);
    }

    private static final long FIRST = KvmLayouts.offset(KvmLayouts.KVM_COALESCED_MMIO_RING, "first");
    private static final long LAST = KvmLayouts.offset(KvmLayouts.KVM_COALESCED_MMIO_RING, "last");
    private static final long ENTRIES = KvmLayouts.offset(KvmLayouts.KVM_COALESCED_MMIO_RING, "coalesced_mmio");
    private static final long ENTRY_BYTES = KvmLayouts.KVM_COALESCED_MMIO.byteSize();
    private static final long ADDRESS = KvmLayouts.offsetOf(KvmLayouts.KVM_COALESCED_MMIO, "phys_addr");
    private static final long LEN = KvmLayouts.offsetOf(KvmLayouts.KVM_COALESCED_MMIO, "len");
    private static final long PIO = KvmLayouts.offsetOf(KvmLayouts.KVM_COALESCED_MMIO, "pio");
    private static final long DATA = KvmLayouts.offsetOf(KvmLayouts.KVM_COALESCED_MMIO, "data");
    private static final int MAX_DATA = 8;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment page;
    private final int capacity;

    /** @param page the ring's page (or a test's stand-in of the same layout) */
    public CoalescedRing(MemorySegment page) {
        this.page = page;
        // As KVM_COALESCED_MMIO_MAX: the entries that fit in the page after the header.
        this.capacity = (int) ((page.byteSize() - ENTRIES) / ENTRY_BYTES);
        if (capacity < 2) {
            throw new IllegalArgumentException("a " + page.byteSize() + "-byte page holds no coalesced ring");
        }
    }

    /** Entries the ring has room for (one slot always stays empty). */
    public int capacity() {
        return capacity;
    }

    /**
     * Hands every batched write to {@code sink}, oldest first, freeing each slot after the sink
     * took it. Returns how many there were.
     *
     * @throws IllegalStateException when the ring's indices or an entry's length are out of range
     */
    public int drain(Sink sink) {
        int first = (int) INT.getAcquire(page, FIRST);
        int taken = 0;
        while (taken < capacity) {
            int last = (int) INT.getAcquire(page, LAST); // entries before last are complete
            checkIndex("last", last);
            checkIndex("first", first);
            if (first == last) {
                break;
            }
            long entry = ENTRIES + first * ENTRY_BYTES;
            int length = page.get(JAVA_INT, entry + LEN);
            if (length < 1 || length > MAX_DATA) {
                throw new IllegalStateException("coalesced ring entry " + first + " has length " + length);
            }
            byte[] data = new byte[length];
            MemorySegment.copy(page, JAVA_BYTE, entry + DATA, data, 0, length);
            sink.write(page.get(JAVA_INT, entry + PIO) != 0, page.get(JAVA_LONG, entry + ADDRESS), data);
            first = (first + 1) % capacity;
            INT.setRelease(page, FIRST, first); // KVM may reuse the slot from now on
            taken++;
        }
        return taken;
    }

    private void checkIndex(String which, int index) {
        if (index < 0 || index >= capacity) {
            throw new IllegalStateException("coalesced ring index " + which + "=" + index + " outside 0.." + (capacity - 1));
        }
    }
}
