package jvmm.virtio.queue;

import static jvmm.virtio.queue.SplitRing.RING_ENTRIES;
import static jvmm.virtio.queue.SplitRing.RING_FLAGS;
import static jvmm.virtio.queue.SplitRing.RING_IDX;
import static jvmm.virtio.queue.SplitRing.USED_ELEM_SIZE;
import static jvmm.virtio.queue.SplitRing.VRING_AVAIL_F_NO_INTERRUPT;
import static jvmm.virtio.queue.SplitRing.VRING_USED_F_NO_NOTIFY;

import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.memory.GuestMemoryException;
import org.apache.logging.log4j.LogManager;

/**
 * The device side of one split virtqueue (virtio 1.2, 2.7), shared by every device.
 *
 * <p>The queue holds only what the driver configured (size, ring addresses, ready) and its own
 * indices; guest memory is passed into each call, and everything read from it is validated at
 * the moment it is used. A guest that gets the ring wrong marks the queue broken: from then on it
 * pops nothing and writes nothing until {@link #reset()}, a rate-limited warning says what the
 * guest gave us, and the broken listener lets the device set DEVICE_NEEDS_RESET. Nothing is
 * thrown at the caller for guest mistakes.
 *
 * <p>Not thread-safe: one device worker owns a queue (the transport configures it only while the
 * device is not running). The guest on the other side runs concurrently, which is what the memory
 * barriers below are about.
 */
public final class Queue {

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(Queue.class), TimeUnit.SECONDS.toNanos(5), 10);

    private final String name;
    private final int maxSize;
    private final ChainParser parser = new ChainParser();
    private Consumer<QueueError> brokenListener = e -> { };

    private int size;
    private boolean ready;
    private long descTable;
    private long availRing;
    private long usedRing;
    private boolean eventIdx;
    private boolean indirect;

    private boolean validated;
    private QueueError broken;
    private int nextAvail;
    /** The avail idx we last read: entries up to it are known published, no need to re-read it per pop. */
    private int availIdxShadow;
    private int nextUsed;
    private int signalledUsed;
    private boolean signalledUsedValid;

    /** A queue named {@code name} in logs (e.g. "blk0.q0") that the driver may size up to {@code maxSize}. */
    public Queue(String name, int maxSize) {
        if (!SplitRing.isValidSize(maxSize)) {
            throw new IllegalArgumentException("max queue size must be a power of two in 1..32768: " + maxSize);
        }
        this.name = name;
        this.maxSize = maxSize;
        reset();
    }

    /** Back to the state after device reset: nothing configured, indices zero, not broken. */
    public void reset() {
        size = maxSize;
        ready = false;
        descTable = 0;
        availRing = 0;
        usedRing = 0;
        eventIdx = false;
        indirect = false;
        validated = false;
        broken = null;
        nextAvail = 0;
        availIdxShadow = 0;
        nextUsed = 0;
        signalledUsed = 0;
        signalledUsedValid = false;
    }

    // ---- configuration (driven by the transport) ----

    public String name() {
        return name;
    }

    public int maxSize() {
        return maxSize;
    }

    public int size() {
        return size;
    }

    /** QueueNum as the driver wrote it; checked (power of two, at most max) when the queue is used. */
    public void setSize(int size) {
        this.size = size;
        validated = false;
    }

    public void setDescTable(GuestAddress address) {
        descTable = address.value();
        validated = false;
    }

    public void setAvailRing(GuestAddress address) {
        availRing = address.value();
        validated = false;
    }

    public void setUsedRing(GuestAddress address) {
        usedRing = address.value();
        validated = false;
    }

    public GuestAddress descTable() {
        return GuestAddress.of(descTable);
    }

    public GuestAddress availRing() {
        return GuestAddress.of(availRing);
    }

    public GuestAddress usedRing() {
        return GuestAddress.of(usedRing);
    }

    public boolean isReady() {
        return ready;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
        validated = false;
    }

    /** The negotiated ring features: VIRTIO_F_EVENT_IDX and VIRTIO_RING_F_INDIRECT_DESC. */
    public void setFeatures(boolean eventIdx, boolean indirect) {
        this.eventIdx = eventIdx;
        this.indirect = indirect;
    }

    /** Called once each time the queue becomes broken, so the device can set DEVICE_NEEDS_RESET. */
    public void setBrokenListener(Consumer<QueueError> listener) {
        this.brokenListener = listener;
    }

    public boolean isBroken() {
        return broken != null;
    }

    /** Why the queue broke, or null. */
    public QueueError brokenReason() {
        return broken;
    }

    /** The free-running 16-bit index of the next avail entry to consume. */
    public int nextAvail() {
        return nextAvail;
    }

    /** The free-running 16-bit index of the next used entry to fill. */
    public int nextUsed() {
        return nextUsed;
    }

    // ---- the data path ----

    /** The next available descriptor chain, or empty when there is none or the queue is broken. */
    public Optional<DescriptorChain> pop(GuestMemory memory) {
        var chain = new DescriptorChain();
        return popInto(memory, chain) ? Optional.of(chain) : Optional.empty();
    }

    /**
     * Like {@link #pop} but refills {@code chain}, so a device loop allocates nothing.
     *
     * @return whether a chain was taken
     */
    public boolean popInto(GuestMemory memory, DescriptorChain chain) {
        if (!usable(memory)) {
            return false;
        }
        try {
            if (availIdxShadow == nextAvail && !refreshAvailIdx(memory)) {
                return false;
            }
            // The avail idx load that covered this entry was an acquire, so the entry (and the
            // descriptors it names) are at least as new as that idx.
            long slot = availRing + RING_ENTRIES + 2L * (nextAvail & (size - 1));
            int head = Short.toUnsignedInt(memory.readU16(GuestAddress.of(slot)));
            QueueError error = parser.parse(memory, descTable, size, head, indirect, chain);
            if (error != null) {
                return breakQueue(error, parser.detail());
            }
            nextAvail = (nextAvail + 1) & 0xFFFF;
            return true;
        } catch (GuestMemoryException e) {
            // Only reachable if guest RAM changed under a validated ring; still the guest's doing.
            return breakQueue(QueueError.RING_OUT_OF_RAM, e.getMessage());
        }
    }

    /**
     * Re-reads avail idx into the shadow (used once the shadow is used up, like vhost does).
     *
     * @return whether entries are pending; false also when the idx was bogus and the queue broke
     */
    private boolean refreshAvailIdx(GuestMemory memory) {
        int availIdx = loadAvailIdx(memory);
        int pending = (availIdx - nextAvail) & 0xFFFF;
        if (pending > size) {
            return breakQueue(QueueError.AVAIL_IDX_TOO_FAR,
                    "avail idx %d, last consumed %d, queue size %d".formatted(availIdx, nextAvail, size));
        }
        availIdxShadow = availIdx;
        return pending != 0;
    }

    /** Whether the driver has made buffers available that we have not popped yet. */
    public boolean hasAvailable(GuestMemory memory) {
        return usable(memory) && loadAvailIdx(memory) != nextAvail;
    }

    /**
     * Hands chain {@code head} back to the driver with {@code len} bytes written into it, and
     * publishes it at once. Does nothing on a broken queue (the driver will reset it).
     */
    public void addUsed(GuestMemory memory, int head, int len) {
        checkHead(head);
        if (!usable(memory)) {
            return;
        }
        writeUsedElem(memory, head, len);
        publishUsed(memory);
    }

    /**
     * Hands back {@code count} chains ({@code heads[i]} with {@code lens[i]} bytes written) and
     * publishes them with one used idx store, so the driver sees all or none of them: what a
     * frame spread over several receive buffers needs (VIRTIO_NET_F_MRG_RXBUF), since Linux
     * drops a frame whose later buffers are not there yet when it reads the first.
     */
    public void addUsed(GuestMemory memory, int[] heads, int[] lens, int count) {
        for (int i = 0; i < count; i++) {
            checkHead(heads[i]);
        }
        if (count == 0 || !usable(memory)) {
            return;
        }
        for (int i = 0; i < count; i++) {
            writeUsedElem(memory, heads[i], lens[i]);
        }
        publishUsed(memory);
    }

    private void checkHead(int head) {
        if (head < 0 || head >= size) {
            throw new IllegalStateException("%s: head %d was never popped (queue size %d)".formatted(name, head, size));
        }
    }

    private void writeUsedElem(GuestMemory memory, int head, int len) {
        long elem = usedRing + RING_ENTRIES + (long) USED_ELEM_SIZE * (nextUsed & (size - 1));
        // struct virtq_used_elem { le32 id; le32 len; } as one little-endian 64-bit store.
        memory.writeU64(GuestAddress.of(elem), Integer.toUnsignedLong(head) | ((long) len << 32));
        nextUsed = (nextUsed + 1) & 0xFFFF;
    }

    private void publishUsed(GuestMemory memory) {
        // Release: the elements written before must be visible to the driver before the idx that
        // tells it they are there (pairs with the driver's acquire load of used idx).
        memory.storeReleaseU16(GuestAddress.of(usedRing + RING_IDX), (short) nextUsed);
    }

    /**
     * Whether the driver wants an interrupt for the used buffers added since the last call: the
     * decision for one batch. With VIRTIO_F_EVENT_IDX it asks whether used idx moved past the
     * driver's used_event; otherwise whether VRING_AVAIL_F_NO_INTERRUPT is clear. Both are
     * advisory, so when in doubt (first call after reset) the answer is yes.
     */
    public boolean needsNotification(GuestMemory memory) {
        if (!usable(memory)) {
            return false;
        }
        // Full fence: our used idx store must be visible before we read the driver's suppression
        // state. Pairs with the fence in the driver between writing used_event (or clearing
        // NO_INTERRUPT) and re-reading used idx; without both, each side can miss the other's
        // write and the driver sleeps on a completed buffer.
        VarHandle.fullFence();
        if (!eventIdx) {
            int flags = Short.toUnsignedInt(memory.readU16(GuestAddress.of(availRing + RING_FLAGS)));
            return (flags & VRING_AVAIL_F_NO_INTERRUPT) == 0;
        }
        int usedEvent = Short.toUnsignedInt(memory.readU16(
                GuestAddress.of(availRing + SplitRing.usedEventOffset(size))));
        int old = signalledUsed;
        boolean valid = signalledUsedValid;
        signalledUsed = nextUsed;
        signalledUsedValid = true;
        return !valid || SplitRing.needEvent(usedEvent, nextUsed, old);
    }

    /**
     * Asks the driver to notify us of new buffers (before the device goes idle), then re-checks
     * the avail ring: a buffer added just before the driver saw our request would get no kick.
     *
     * @return true if buffers are available, so the device must keep popping instead of sleeping
     */
    public boolean enableNotification(GuestMemory memory) {
        if (!usable(memory)) {
            return false;
        }
        if (eventIdx) {
            // "Kick me when you publish entry nextAvail."
            memory.writeU16(GuestAddress.of(usedRing + SplitRing.availEventOffset(size)), (short) nextAvail);
        } else {
            setUsedFlags(memory, 0);
        }
        // Full fence: the store above must be visible before we re-read avail idx. Pairs with the
        // driver's fence between publishing avail idx and reading avail_event / used flags.
        VarHandle.fullFence();
        return loadAvailIdx(memory) != nextAvail;
    }

    /**
     * Tells the driver it need not notify us while we are busy popping. Advisory: the driver may
     * notify anyway. With event idx there is nothing to write: avail_event simply stays behind.
     */
    public void disableNotification(GuestMemory memory) {
        if (usable(memory) && !eventIdx) {
            setUsedFlags(memory, VRING_USED_F_NO_NOTIFY);
        }
    }

    private void setUsedFlags(GuestMemory memory, int flags) {
        memory.writeU16(GuestAddress.of(usedRing + RING_FLAGS), (short) flags);
    }

    /**
     * Acquire: the ring entries and descriptors we read after this load are at least as new as the
     * idx (pairs with the driver's release store of avail idx).
     */
    private int loadAvailIdx(GuestMemory memory) {
        return Short.toUnsignedInt(memory.loadAcquireU16(GuestAddress.of(availRing + RING_IDX)));
    }

    /** Ready, not broken, and the configuration checked against guest RAM once per activation. */
    private boolean usable(GuestMemory memory) {
        if (!ready || broken != null) {
            return false;
        }
        if (!validated) {
            QueueError error = QueueLayoutCheck.check(memory, maxSize, size, descTable, availRing, usedRing);
            if (error != null) {
                return breakQueue(error, QueueLayoutCheck.describe(maxSize, size, descTable, availRing, usedRing));
            }
            validated = true;
        }
        return true;
    }

    /** Marks the queue broken, logs what the guest gave us, tells the listener. Returns false. */
    private boolean breakQueue(QueueError error, String detail) {
        broken = error;
        GUEST_LOG.warn("{}: the guest gave us a broken ring ({}): {}; queue stopped until reset",
                name, error.description(), detail);
        brokenListener.accept(error);
        return false;
    }

    @Override
    public String toString() {
        return "Queue[%s, size %d/%d, ready=%b, nextAvail=%d, nextUsed=%d%s]".formatted(
                name, size, maxSize, ready, nextAvail, nextUsed, broken == null ? "" : ", broken: " + broken);
    }
}
