package jvmm.virtio.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one network device: updated on the queue thread, readable from any thread.
 * Byte counts include the 12-byte header of each frame.
 */
public final class NetStats {

    private final AtomicLong rxFrames = new AtomicLong();
    private final AtomicLong rxBytes = new AtomicLong();
    private final AtomicLong rxDropped = new AtomicLong();
    private final AtomicLong badRxBuffers = new AtomicLong();
    private final AtomicLong txFrames = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong txDropped = new AtomicLong();

    void received(long bytes) {
        rxFrames.incrementAndGet();
        rxBytes.addAndGet(bytes);
    }

    void rxDrop() {
        rxDropped.incrementAndGet();
    }

    void badRxBuffer() {
        badRxBuffers.incrementAndGet();
    }

    void sent(long bytes) {
        txFrames.incrementAndGet();
        txBytes.addAndGet(bytes);
    }

    void txDrop() {
        txDropped.incrementAndGet();
    }

    /** Frames delivered to the guest. */
    public long rxFrames() {
        return rxFrames.get();
    }

    public long rxBytes() {
        return rxBytes.get();
    }

    /** Frames read from the backend that the guest's buffers could not hold. */
    public long rxDropped() {
        return rxDropped.get();
    }

    /** Receive chains the guest gave that no frame can go into (device-readable, or under 12 bytes). */
    public long badRxBuffers() {
        return badRxBuffers.get();
    }

    /** Frames the backend accepted from the guest. */
    public long txFrames() {
        return txFrames.get();
    }

    public long txBytes() {
        return txBytes.get();
    }

    /** Transmit chains that were malformed or that the backend refused. */
    public long txDropped() {
        return txDropped.get();
    }

    @Override
    public String toString() {
        return "rx %d frames %d bytes %d dropped %d bad buffers, tx %d frames %d bytes %d dropped".formatted(
                rxFrames(), rxBytes(), rxDropped(), badRxBuffers(), txFrames(), txBytes(), txDropped());
    }
}
