package jvmm.virtio.driver;

import static jvmm.virtio.queue.SplitRing.DESC_SIZE;
import static jvmm.virtio.queue.SplitRing.RING_ENTRIES;
import static jvmm.virtio.queue.SplitRing.RING_IDX;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Hand-made rings, malformed on purpose: writes any descriptor, avail entry or index a hostile
 * guest could, with no checks. Use it on its own ring (not one a {@link SplitQueueDriver} owns).
 */
public final class RawRing {

    /** One descriptor exactly as it will sit in guest memory. */
    public record RawDescriptor(long addr, int len, int flags, int next) {
    }

    private final GuestMemory memory;
    private final RingLayout layout;
    private int availIdx;

    public RawRing(GuestMemory memory, RingLayout layout) {
        this.memory = memory;
        this.layout = layout;
        memory.fill(layout.descTable(), layout.end().offsetFrom(layout.descTable()), (byte) 0);
    }

    public RingLayout layout() {
        return layout;
    }

    /** Writes entry {@code index} of the descriptor table. */
    public RawRing descriptor(int index, long addr, int len, int flags, int next) {
        return tableEntry(layout.descTable(), index, new RawDescriptor(addr, len, flags, next));
    }

    /** Writes {@code entries} as a table at {@code at} (an indirect table, or anything else). */
    public RawRing table(GuestAddress at, RawDescriptor... entries) {
        for (int i = 0; i < entries.length; i++) {
            tableEntry(at, i, entries[i]);
        }
        return this;
    }

    private RawRing tableEntry(GuestAddress table, int index, RawDescriptor d) {
        GuestAddress at = table.checkedAdd((long) index * DESC_SIZE);
        memory.writeU64(at, d.addr());
        memory.writeU32(at.checkedAdd(8), d.len());
        memory.writeU16(at.checkedAdd(12), (short) d.flags());
        memory.writeU16(at.checkedAdd(14), (short) d.next());
        return this;
    }

    /** Puts {@code head} in the next avail slot and publishes it. */
    public RawRing publish(int head) {
        memory.writeU16(layout.availRing().checkedAdd(RING_ENTRIES + 2L * (availIdx & (layout.size() - 1))),
                (short) head);
        return availIdx(availIdx + 1);
    }

    /** Sets avail idx to any value, however far from the truth. */
    public RawRing availIdx(int idx) {
        availIdx = idx & 0xFFFF;
        memory.storeReleaseU16(layout.availRing().checkedAdd(RING_IDX), (short) availIdx);
        return this;
    }
}
