package jvmm.virtio.driver;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.queue.Queue;
import jvmm.virtio.queue.SplitRing;

/**
 * Where a driver puts one split virtqueue in guest memory: descriptor table, avail ring and used
 * ring back to back with their alignments, then an area of {@code maxIndirect}-entry indirect
 * tables, one per possible head (a driver allocates tables per buffer; one fixed slot per head
 * keeps tests free of an allocator).
 */
public record RingLayout(int size, GuestAddress descTable, GuestAddress availRing, GuestAddress usedRing,
                         GuestAddress indirectArea, int maxIndirect) {

    public RingLayout {
        if (!SplitRing.isValidSize(size)) {
            throw new IllegalArgumentException("queue size must be a power of two in 1..32768: " + size);
        }
        if (maxIndirect < 0) {
            throw new IllegalArgumentException("maxIndirect must not be negative");
        }
    }

    /** The layout of a queue of {@code size} at {@code base} (16-aligned), with 16-entry indirect tables. */
    public static RingLayout at(GuestAddress base, int size) {
        return at(base, size, 16);
    }

    public static RingLayout at(GuestAddress base, int size, int maxIndirect) {
        if (!base.isAligned(SplitRing.DESC_ALIGN)) {
            throw new IllegalArgumentException("descriptor table must be 16-aligned: " + base);
        }
        GuestAddress avail = base.checkedAdd(SplitRing.descTableBytes(size));
        GuestAddress used = GuestAddress.of(alignUp(avail.checkedAdd(SplitRing.availRingBytes(size)).value(),
                SplitRing.USED_ALIGN));
        GuestAddress indirect = GuestAddress.of(alignUp(used.checkedAdd(SplitRing.usedRingBytes(size)).value(),
                SplitRing.DESC_ALIGN));
        return new RingLayout(size, base, avail, used, indirect, maxIndirect);
    }

    /** The indirect table slot of {@code head}. */
    public GuestAddress indirectTable(int head) {
        return indirectArea.checkedAdd((long) head * maxIndirect * SplitRing.DESC_SIZE);
    }

    /** The first byte after everything this layout uses. */
    public GuestAddress end() {
        return indirectArea.checkedAdd((long) size * maxIndirect * SplitRing.DESC_SIZE);
    }

    /** Configures a device-side queue the way a transport would after the driver wrote its registers. */
    public void configure(Queue queue, boolean eventIdx, boolean indirect) {
        queue.setSize(size);
        queue.setDescTable(descTable);
        queue.setAvailRing(availRing);
        queue.setUsedRing(usedRing);
        queue.setFeatures(eventIdx, indirect);
        queue.setReady(true);
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
