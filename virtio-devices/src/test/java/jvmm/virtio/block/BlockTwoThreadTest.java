package jvmm.virtio.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.MmioDriver;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.virtio.mmio.MmioTransport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block device with the threads of a real VMM: the driver (a vCPU) submits reads and sleeps
 * until an interrupt, QueueNotify writes go to a notifier that hands them to an event-loop thread,
 * which services the queue. Every request must complete with the file's data and no interrupt or
 * kick may be lost, with either notification-suppression scheme.
 */
class BlockTwoThreadTest {

    private static final int REQUESTS = 5000;
    private static final int IN_FLIGHT = 12;
    private static final long DATA = 2 << 20;

    @ParameterizedTest(name = "eventIdx={0}")
    @ValueSource(booleans = {false, true})
    void everyRequestCompletesWithTheFilesData(boolean eventIdx, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path image = dir.resolve("disk.img");
        byte[] file = BlockFixture.pattern(BlockFixture.DISK_BYTES);
        Files.write(image, file);
        var notifications = new LinkedBlockingQueue<Integer>();
        var interrupts = new Semaphore(0);
        try (Arena arena = Arena.ofShared(); var device = BlockDevice.open("blk0", new BlockConfig(image, false, null))) {
            var memory = SegmentGuestMemory.allocate(arena, 4 << 20);
            var transport = new MmioTransport(device, memory, interrupts::release, notifications::add);
            var eventLoop = Thread.ofPlatform().name("event-loop").start(() -> serve(transport, notifications));
            try {
                long features = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1)
                        | (eventIdx ? VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX) : 0);
                var driver = new MmioDriver(transport, memory, GuestAddress.of(0x1000)).init(features, 64);
                drive(driver, memory, interrupts, file);
            } finally {
                eventLoop.interrupt();
                eventLoop.join(10_000);
            }
            assertThat(device.stats().snapshot().requests()).isEqualTo(REQUESTS);
            assertThat(device.stats().snapshot().interrupts()).isLessThanOrEqualTo(REQUESTS);
        }
    }

    private static void serve(MmioTransport transport, LinkedBlockingQueue<Integer> notifications) {
        try {
            while (true) {
                transport.queueNotified(notifications.take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The driver thread: keep IN_FLIGHT reads queued, sleep on the interrupt, check each answer. */
    private static void drive(MmioDriver driver, SegmentGuestMemory memory, Semaphore interrupts, byte[] file)
            throws InterruptedException {
        SplitQueueDriver queue = driver.queue(0);
        var freeSlots = new ArrayDeque<Integer>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            freeSlots.add(i);
        }
        long[] sectorOfSlot = new long[IN_FLIGHT];
        int submitted = 0;
        int completed = 0;
        while (completed < REQUESTS) {
            while (!freeSlots.isEmpty() && submitted < REQUESTS) {
                int slot = freeSlots.poll();
                sectorOfSlot[slot] = (submitted * 7L) % (BlockFixture.DISK_BYTES / 512);
                submit(queue, memory, slot, sectorOfSlot[slot]);
                submitted++;
            }
            queue.kick();
            assertThat(interrupts.tryAcquire(10, TimeUnit.SECONDS)).as("interrupt after %d completions", completed)
                    .isTrue();
            driver.takeInterrupt();
            do {
                for (UsedBuffer used = queue.getBuf(); used != null; used = queue.getBuf()) {
                    int slot = (Integer) used.token();
                    check(memory, slot, sectorOfSlot[slot], file);
                    freeSlots.add(slot);
                    completed++;
                }
            } while (!queue.enableCallbacks());
        }
    }

    private static void submit(SplitQueueDriver queue, SegmentGuestMemory memory, int slot, long sector) {
        GuestAddress header = GuestAddress.of(DATA + slot * 0x1000L);
        memory.writeU32(header, VirtioBlk.T_IN);
        memory.writeU32(header.checkedAdd(4), 0);
        memory.writeU64(header.checkedAdd(8), sector);
        memory.writeU8(header.checkedAdd(0x20), (byte) 0x7f);
        queue.add(List.of(new Segment(header, 16)),
                List.of(new Segment(header.checkedAdd(0x100), 512), new Segment(header.checkedAdd(0x20), 1)), slot);
    }

    private static void check(SegmentGuestMemory memory, int slot, long sector, byte[] file) {
        GuestAddress header = GuestAddress.of(DATA + slot * 0x1000L);
        byte[] data = new byte[512];
        memory.read(header.checkedAdd(0x100), data, 0, 512);
        assertThat(memory.readU8(header.checkedAdd(0x20))).isEqualTo((byte) VirtioBlk.S_OK);
        int offset = (int) (sector * 512);
        assertThat(data).isEqualTo(Arrays.copyOfRange(file, offset, offset + 512));
    }
}
