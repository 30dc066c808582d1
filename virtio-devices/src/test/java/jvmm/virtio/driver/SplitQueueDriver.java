package jvmm.virtio.driver;

import static jvmm.virtio.queue.SplitRing.DESC_SIZE;
import static jvmm.virtio.queue.SplitRing.RING_ENTRIES;
import static jvmm.virtio.queue.SplitRing.RING_FLAGS;
import static jvmm.virtio.queue.SplitRing.RING_IDX;
import static jvmm.virtio.queue.SplitRing.USED_ELEM_SIZE;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_INDIRECT;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_NEXT;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_WRITE;
import static jvmm.virtio.queue.SplitRing.VRING_AVAIL_F_NO_INTERRUPT;
import static jvmm.virtio.queue.SplitRing.VRING_USED_F_NO_NOTIFY;

import java.lang.invoke.VarHandle;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.SplitRing;

/**
 * The driver side of a split virtqueue, written to behave like Linux's virtio_ring.c so device
 * tests see what a real guest does: a free list of descriptors, a token per buffer, indirect
 * tables for multi-segment buffers when negotiated, refusal (and, for buffers with outgoing data,
 * still a kick) when full, the kick decision of both notification schemes, callbacks that can be
 * disabled and re-enabled with a report of buffers that arrived meanwhile, detaching of buffers
 * the device never used, and reset.
 *
 * <p>Not thread-safe, like one virtqueue in Linux: one thread drives it; the device may run on
 * another thread against the same guest memory.
 */
public final class SplitQueueDriver {

    private final GuestMemory memory;
    private final RingLayout layout;
    private final int size;
    private final boolean eventIdx;
    private final boolean indirect;
    private final Runnable notifier;

    private final Object[] tokens;
    private final int[] chainDescriptors;
    private final int[] nextFree;
    private int freeHead;
    private int numFree;
    private int availIdx;
    private int numAdded;
    private int lastUsedIdx;
    private boolean callbacksDisabled;
    private long kicks;

    /**
     * Lays out an empty ring at {@code layout} (zeroing it) for a device that negotiated
     * {@code eventIdx} and {@code indirect}; {@code notifier} is the kick (a QueueNotify write).
     */
    public SplitQueueDriver(GuestMemory memory, RingLayout layout, boolean eventIdx, boolean indirect,
                            Runnable notifier) {
        this.memory = memory;
        this.layout = layout;
        this.size = layout.size();
        this.eventIdx = eventIdx;
        this.indirect = indirect;
        this.notifier = notifier;
        this.tokens = new Object[size];
        this.chainDescriptors = new int[size];
        this.nextFree = new int[size];
        reset();
    }

    /** Forgets every buffer and zeroes the ring, as after a device reset. */
    public void reset() {
        memory.fill(layout.descTable(), layout.end().offsetFrom(layout.descTable()), (byte) 0);
        for (int i = 0; i < size; i++) {
            nextFree[i] = i + 1;
            tokens[i] = null;
        }
        freeHead = 0;
        numFree = size;
        availIdx = 0;
        numAdded = 0;
        lastUsedIdx = 0;
        callbacksDisabled = false;
    }

    public RingLayout layout() {
        return layout;
    }

    /** Free descriptors: an indirect buffer needs one, a direct one needs one per segment. */
    public int numFree() {
        return numFree;
    }

    /** The free-running avail idx published so far. */
    public int availIdx() {
        return availIdx;
    }

    public int lastUsedIdx() {
        return lastUsedIdx;
    }

    /** How many times the notifier ran. */
    public long kicks() {
        return kicks;
    }

    /** Adds a buffer: {@code out} segments the device reads, then {@code in} segments it writes. */
    public int add(List<Segment> out, List<Segment> in, Object token) {
        return add(out, in, token, indirect && out.size() + in.size() > 1);
    }

    /** Adds a buffer through an indirect table (which needs VIRTIO_RING_F_INDIRECT_DESC). */
    public int addIndirect(List<Segment> out, List<Segment> in, Object token) {
        if (!indirect) {
            throw new IllegalStateException("VIRTIO_RING_F_INDIRECT_DESC was not negotiated");
        }
        return add(out, in, token, true);
    }

    /** Adds a buffer of one device-readable segment (the hot path of tests that move many buffers). */
    public int addOut(GuestAddress address, int length, Object token) {
        return add(List.of(new Segment(address, length)), List.of(), token, false);
    }

    private int add(List<Segment> out, List<Segment> in, Object token, boolean useIndirect) {
        int total = out.size() + in.size();
        if (total == 0 || token == null) {
            throw new IllegalArgumentException("a buffer needs at least one segment and a token");
        }
        if (useIndirect && total > layout.maxIndirect()) {
            throw new IllegalArgumentException("%d segments exceed the %d-entry indirect tables"
                    .formatted(total, layout.maxIndirect()));
        }
        int needed = useIndirect ? 1 : total;
        if (numFree < needed) {
            // Linux kicks here when the buffer has outgoing data, so a device that went idle
            // with a full ring gets to drain it.
            if (!out.isEmpty()) {
                notifyDevice();
            }
            throw new RingFullException("ring full: a buffer of %d segments needs %d descriptors, %d of %d free"
                    .formatted(total, needed, numFree, size));
        }
        int head = freeHead;
        if (useIndirect) {
            GuestAddress table = layout.indirectTable(head);
            writeSegments(table.value(), out, in, -1);
            writeDescriptor(layout.descTable().value(), head, table.value(), total * DESC_SIZE,
                    VIRTQ_DESC_F_INDIRECT, nextFree[head]);
            freeHead = nextFree[head];
        } else {
            freeHead = writeSegments(layout.descTable().value(), out, in, head);
        }
        numFree -= needed;
        chainDescriptors[head] = needed;
        tokens[head] = token;
        publish(head);
        return head;
    }

    /**
     * Writes the segments as a chain in a table: into the free list when {@code first >= 0}
     * (returning the new free head), else at entries 0..n-1 of an indirect table.
     */
    private int writeSegments(long table, List<Segment> out, List<Segment> in, int first) {
        int index = first >= 0 ? first : 0;
        int total = out.size() + in.size();
        for (int i = 0; i < total; i++) {
            boolean writable = i >= out.size();
            Segment s = writable ? in.get(i - out.size()) : out.get(i);
            int next = first >= 0 ? nextFree[index] : i + 1;
            int flags = (writable ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < total ? VIRTQ_DESC_F_NEXT : 0);
            writeDescriptor(table, index, s.address().value(), s.length(), flags, next);
            index = next;
        }
        return index;
    }

    private void writeDescriptor(long table, int index, long addr, int len, int flags, int next) {
        GuestAddress at = GuestAddress.of(table).checkedAdd((long) index * DESC_SIZE);
        memory.writeU64(at, addr);
        memory.writeU32(at.checkedAdd(8), len);
        memory.writeU16(at.checkedAdd(12), (short) flags);
        memory.writeU16(at.checkedAdd(14), (short) next);
    }

    private void publish(int head) {
        memory.writeU16(layout.availRing().checkedAdd(RING_ENTRIES + 2L * (availIdx & (size - 1))), (short) head);
        availIdx = (availIdx + 1) & 0xFFFF;
        // Release: the descriptors and ring entry must be visible before the idx that covers them.
        memory.storeReleaseU16(layout.availRing().checkedAdd(RING_IDX), (short) availIdx);
        numAdded++;
        // Linux: with 65535 unkicked adds the event-idx window would become ambiguous; kick now.
        if (numAdded == 0xFFFF) {
            kick();
        }
    }

    /**
     * Whether the device wants a notification for the buffers added since the last decision
     * (Linux virtqueue_kick_prepare). Resets the count of unkicked buffers.
     */
    public boolean kickPrepare() {
        // Full fence: our avail idx must be visible before we read the device's suppression state
        // (pairs with the device's fence in enableNotification).
        VarHandle.fullFence();
        int newIdx = availIdx;
        int oldIdx = (availIdx - numAdded) & 0xFFFF;
        numAdded = 0;
        if (eventIdx) {
            int availEvent = Short.toUnsignedInt(memory.readU16(
                    layout.usedRing().checkedAdd(SplitRing.availEventOffset(size))));
            return SplitRing.needEvent(availEvent, newIdx, oldIdx);
        }
        int flags = Short.toUnsignedInt(memory.readU16(layout.usedRing().checkedAdd(RING_FLAGS)));
        return (flags & VRING_USED_F_NO_NOTIFY) == 0;
    }

    /** Kicks the device if it wants it; returns whether it did. */
    public boolean kick() {
        if (kickPrepare()) {
            notifyDevice();
            return true;
        }
        return false;
    }

    private void notifyDevice() {
        kicks++;
        notifier.run();
    }

    /** The next buffer the device used, or null if none. */
    public UsedBuffer getBuf() {
        // Acquire: the used element we read next is at least as new as the idx.
        int usedIdx = Short.toUnsignedInt(memory.loadAcquireU16(layout.usedRing().checkedAdd(RING_IDX)));
        if (usedIdx == lastUsedIdx) {
            return null;
        }
        GuestAddress elem = layout.usedRing().checkedAdd(RING_ENTRIES + (long) USED_ELEM_SIZE * (lastUsedIdx & (size - 1)));
        int id = memory.readU32(elem);
        int len = memory.readU32(elem.checkedAdd(4));
        if (id < 0 || id >= size || tokens[id] == null) {
            throw new IllegalStateException("device returned descriptor %d, which is not in use (used idx %d)"
                    .formatted(id, lastUsedIdx));
        }
        Object token = tokens[id];
        detach(id);
        lastUsedIdx = (lastUsedIdx + 1) & 0xFFFF;
        if (eventIdx && !callbacksDisabled) {
            // Like Linux: keep used_event at the next entry so the device interrupts for it.
            memory.writeU16(layout.availRing().checkedAdd(SplitRing.usedEventOffset(size)), (short) lastUsedIdx);
            VarHandle.fullFence();
        }
        return new UsedBuffer(token, len);
    }

    private void detach(int head) {
        int last = head;
        for (int i = 1; i < chainDescriptors[head]; i++) {
            last = nextFree[last];
        }
        nextFree[last] = freeHead;
        freeHead = head;
        numFree += chainDescriptors[head];
        tokens[head] = null;
    }

    /** Asks the device not to interrupt (advisory: it may still do so). */
    public void disableCallbacks() {
        if (!callbacksDisabled) {
            callbacksDisabled = true;
            if (!eventIdx) {
                memory.writeU16(layout.availRing().checkedAdd(RING_FLAGS), (short) VRING_AVAIL_F_NO_INTERRUPT);
            }
        }
    }

    /**
     * Re-enables callbacks (Linux virtqueue_enable_cb).
     *
     * @return false if used buffers arrived meanwhile: the caller must process them, as no
     *         interrupt may come for them; true if it may sleep until the next interrupt
     */
    public boolean enableCallbacks() {
        if (callbacksDisabled) {
            callbacksDisabled = false;
            if (!eventIdx) {
                memory.writeU16(layout.availRing().checkedAdd(RING_FLAGS), (short) 0);
            }
        }
        memory.writeU16(layout.availRing().checkedAdd(SplitRing.usedEventOffset(size)), (short) lastUsedIdx);
        // Full fence: the enable must be visible before we re-read used idx (pairs with the
        // device's fence in needsNotification).
        VarHandle.fullFence();
        int usedIdx = Short.toUnsignedInt(memory.loadAcquireU16(layout.usedRing().checkedAdd(RING_IDX)));
        return usedIdx == lastUsedIdx;
    }

    /**
     * Takes back one buffer the device never used, after the device was reset (Linux
     * virtqueue_detach_unused_buf), and withdraws it from the avail ring.
     *
     * @return its token, or null when none is left
     */
    public Object detachUnused() {
        for (int head = 0; head < size; head++) {
            if (tokens[head] != null) {
                Object token = tokens[head];
                detach(head);
                availIdx = (availIdx - 1) & 0xFFFF;
                memory.storeReleaseU16(layout.availRing().checkedAdd(RING_IDX), (short) availIdx);
                return token;
            }
        }
        return null;
    }
}
