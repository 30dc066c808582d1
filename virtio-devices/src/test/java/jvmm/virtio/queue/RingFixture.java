package jvmm.virtio.queue;

import java.lang.foreign.Arena;
import java.util.List;
import jvmm.virtio.driver.RawRing;
import jvmm.virtio.driver.RingLayout;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;

/** A guest memory with one queue in it, seen from both sides. Close it to free the memory. */
final class RingFixture implements AutoCloseable {

    static final long RAM = 1 << 20;
    static final GuestAddress RING_BASE = GuestAddress.of(0x1000);
    /** Buffers handed to the device live from here on. */
    static final long DATA = 0x80000;

    final Arena arena = Arena.ofConfined();
    final SegmentGuestMemory memory = SegmentGuestMemory.allocate(arena, RAM);
    final RingLayout layout;
    final Queue queue;
    final SplitQueueDriver driver;
    final List<QueueError> breaks = new java.util.ArrayList<>();
    long deviceKicks;

    RingFixture(int size, boolean eventIdx, boolean indirect) {
        layout = RingLayout.at(RING_BASE, size);
        queue = new Queue("test.q0", size);
        layout.configure(queue, eventIdx, indirect);
        queue.setBrokenListener(breaks::add);
        driver = new SplitQueueDriver(memory, layout, eventIdx, indirect, () -> deviceKicks++);
    }

    /** A raw ring over the same layout, for malformed chains (the driver must not be used then). */
    RawRing raw() {
        return new RawRing(memory, layout);
    }

    static Segment seg(long offset, int len) {
        return Segment.of(DATA + offset, len);
    }

    DescriptorChain pop() {
        return queue.pop(memory).orElse(null);
    }

    @Override
    public void close() {
        arena.close();
    }
}
