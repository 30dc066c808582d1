package jvmm.virtio.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import jvmm.virtio.driver.RingLayout;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import org.junit.jupiter.api.Test;

/**
 * A driver thread and a device thread pass ten million buffers through one ring in shared native
 * memory, sleeping and waking each other only through the ring's notification protocol (kicks and
 * interrupts, with suppression). A missing barrier shows up as a stale sequence number, a lost
 * wakeup as a thread that sleeps until its safety timeout: either ends the run as a failure.
 */
class TwoThreadRingStressTest {

    private static final int BUFFERS = 10_000_000;
    private static final int SIZE = 256;
    private static final long DATA = 0x100000;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Arena arena = Arena.ofShared();
    private final SegmentGuestMemory memory = SegmentGuestMemory.allocate(arena, 2 << 20);
    private final RingLayout layout = RingLayout.at(GuestAddress.of(0x1000), SIZE);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean deviceWake;
    private volatile boolean driverWake;
    private volatile boolean done;
    private volatile Thread deviceThread;
    private volatile Thread driverThread;

    /** The driver's token: which sequence number, in which data slot. */
    private record Buf(long seq, int slot) {
    }

    @Test
    void tenMillionBuffersArriveOnceEachAcrossTwoThreads() throws Exception {
        Queue queue = new Queue("stress", SIZE);
        layout.configure(queue, true, false);
        BitSet seenByDevice = new BitSet(BUFFERS);
        BitSet returned = new BitSet(BUFFERS);

        deviceThread = Thread.ofPlatform().name("device").unstarted(() -> guard(() -> runDevice(queue, seenByDevice)));
        driverThread = Thread.ofPlatform().name("driver").unstarted(() -> guard(() -> runDriver(returned)));
        deviceThread.start();
        driverThread.start();
        driverThread.join();
        deviceThread.join();
        arena.close();

        assertThat(failure.get()).isNull();
        assertThat(returned.cardinality()).isEqualTo(BUFFERS);
        assertThat(seenByDevice.cardinality()).isEqualTo(BUFFERS);
        assertThat(queue.isBroken()).isFalse();
    }

    private void runDevice(Queue queue, BitSet seen) throws Exception {
        DescriptorChain chain = new DescriptorChain();
        while (!done) {
            deviceWake = false;
            queue.disableNotification(memory);
            boolean any = false;
            while (queue.popInto(memory, chain)) {
                long seq = chain.reader(memory).readU64();
                if (seq < 0 || seq >= BUFFERS || seen.get((int) seq)) {
                    throw new AssertionError("device read a stale or repeated sequence number " + seq);
                }
                seen.set((int) seq);
                var writer = chain.writer(memory);
                writer.writeU32((int) ~seq);
                queue.addUsed(memory, chain.head(), (int) writer.position());
                any = true;
            }
            if (any && queue.needsNotification(memory)) {
                driverWake = true;
                LockSupport.unpark(driverThread);
            }
            if (!queue.enableNotification(memory)) {
                await(() -> deviceWake || done, "device slept through a kick");
            }
        }
    }

    private void runDriver(BitSet returned) {
        var driver = new SplitQueueDriver(memory, layout, true, false, () -> {
            deviceWake = true;
            LockSupport.unpark(deviceThread);
        });
        ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
        for (int i = 0; i < SIZE; i++) {
            freeSlots.push(i);
        }
        long next = 0;
        long completed = 0;
        driver.disableCallbacks();
        while (completed < BUFFERS && failure.get() == null) {
            driverWake = false;
            boolean added = false;
            while (next < BUFFERS && driver.numFree() >= 2) {
                int slot = freeSlots.pop();
                long at = DATA + slot * 16L;
                memory.writeU64(GuestAddress.of(at), next);
                driver.add(List.of(Segment.of(at, 8)), List.of(Segment.of(at + 8, 4)), new Buf(next++, slot));
                added = true;
            }
            if (added) {
                driver.kick();
            }
            int drained = 0;
            for (UsedBuffer used; (used = driver.getBuf()) != null; drained++) {
                Buf buf = (Buf) used.token();
                int written = memory.readU32(GuestAddress.of(DATA + buf.slot() * 16L + 8));
                if (used.length() != 4 || written != (int) ~buf.seq() || returned.get((int) buf.seq())) {
                    throw new AssertionError("bad completion of " + buf + ": " + used + ", wrote " + written);
                }
                returned.set((int) buf.seq());
                freeSlots.push(buf.slot());
            }
            completed += drained;
            if (drained == 0 && !added && completed < BUFFERS) {
                if (driver.enableCallbacks()) {
                    await(() -> driverWake || failure.get() != null, "driver slept through an interrupt");
                }
                driver.disableCallbacks();
            }
        }
        done = true;
        LockSupport.unpark(deviceThread);
    }

    /** Parks until {@code woken}; waiting out the whole safety timeout means a lost wakeup. */
    private static void await(java.util.function.BooleanSupplier woken, String lostWakeup) {
        long deadline = System.nanoTime() + STALL_NANOS;
        while (!woken.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(lostWakeup);
            }
            LockSupport.parkNanos(left);
        }
    }

    private void guard(ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            done = true;
            LockSupport.unpark(deviceThread);
            LockSupport.unpark(driverThread);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
