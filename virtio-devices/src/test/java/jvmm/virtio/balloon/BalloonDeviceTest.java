package jvmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import jvmm.kvm.sys.Mapping;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.MmioDriver;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.virtio.mmio.MmioRegisters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * virtio-balloon through the transport, driven like Linux's virtio_balloon: PFN arrays on the
 * inflate and deflate queues, a stats buffer that goes back and forth, free page reports, and
 * the host changing the target. Guest RAM is a real anonymous mapping, so discards are real.
 */
class BalloonDeviceTest {

    private static final long VERSION_1 = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1);
    private static final long STATS = VirtioFeatures.bit(VirtioBalloon.F_STATS_VQ);
    private static final long REPORTING = VirtioFeatures.bit(VirtioBalloon.F_PAGE_REPORTING);
    private static final long PAGE = 4096;
    /** The pages tests balloon: the last MiB of the 4 MiB of RAM, clear of rings and buffers. */
    private static final long FIRST_PFN = 3 << 8;
    private static final int PFNS = 256;

    private final Mapping ram;
    private final SegmentGuestMemory memory;
    private BalloonDevice balloon;
    private DeviceHarness harness;
    private MmioDriver driver;

    BalloonDeviceTest() throws Exception {
        ram = Mapping.anonymous(DeviceHarness.RAM);
        memory = new SegmentGuestMemory(List.of(new SegmentGuestMemory.Region(GuestAddress.of(0), ram.segment())));
    }

    private void start(BalloonConfig config, long features) {
        balloon = new BalloonDevice("balloon0", config);
        harness = new DeviceHarness(balloon, memory);
        driver = harness.driver;
        driver.init(VERSION_1 | features, 64);
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
        ram.close();
    }

    /** Fills every balloonable page with a non-zero pattern (so they are resident). */
    private void touchBalloonPages() {
        memory.fill(GuestAddress.of(FIRST_PFN * PAGE), PFNS * PAGE, (byte) 0x5a);
    }

    private long residentBalloonBytes() throws Exception {
        return Mapping.residentBytes(ram.segment().asSlice(FIRST_PFN * PAGE, PFNS * PAGE));
    }

    /** Writes {@code pfns} as le32 at data offset {@code offset} and sends them on {@code queue}. */
    private UsedBuffer send(int queue, long offset, long... pfns) {
        for (int i = 0; i < pfns.length; i++) {
            memory.writeU32(DeviceHarness.data(offset + 4L * i), (int) pfns[i]);
        }
        SplitQueueDriver q = driver.queue(queue);
        q.add(List.of(DeviceHarness.segment(offset, 4 * pfns.length)), List.of(), "pfns@" + offset);
        q.kick();
        return q.getBuf();
    }

    private static long[] balloonPfns(int from, int count) {
        long[] pfns = new long[count];
        for (int i = 0; i < count; i++) {
            pfns[i] = FIRST_PFN + from + i;
        }
        return pfns;
    }

    @Test
    void inflatedPagesLeaveTheRssAndReadZero() throws Exception {
        start(BalloonConfig.empty(), 0);
        touchBalloonPages();
        assertThat(residentBalloonBytes()).isEqualTo(PFNS * PAGE);
        int interrupts = harness.interrupts.get();

        UsedBuffer used = send(BalloonDevice.INFLATEQ, 0, balloonPfns(0, 128));

        assertThat(used).isEqualTo(new UsedBuffer("pfns@0", 0));
        assertThat(harness.interrupts.get()).isEqualTo(interrupts + 1);
        assertThat(residentBalloonBytes()).isEqualTo((PFNS - 128) * PAGE);
        assertThat(memory.readU64(GuestAddress.of(FIRST_PFN * PAGE))).isZero();
        assertThat(memory.readU64(GuestAddress.of((FIRST_PFN + 127) * PAGE + PAGE - 8))).isZero();
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 128) * PAGE))).isEqualTo((byte) 0x5a);
        assertThat(balloon.counters()).isEqualTo(new BalloonDevice.Counters(128, 0, 0, 0));
    }

    @Test
    void scatteredPfnsAreEachDiscardedAndNothingElse() throws Exception {
        start(BalloonConfig.empty(), 0);
        touchBalloonPages();

        send(BalloonDevice.INFLATEQ, 0, FIRST_PFN + 200, FIRST_PFN + 3, FIRST_PFN + 4, FIRST_PFN + 100);

        assertThat(residentBalloonBytes()).isEqualTo((PFNS - 4) * PAGE);
        for (long pfn : new long[] {200, 3, 4, 100}) {
            assertThat(memory.readU32(GuestAddress.of((FIRST_PFN + pfn) * PAGE + 64))).as("page %d", pfn).isZero();
        }
        for (long pfn : new long[] {2, 5, 99, 101, 199, 201}) {
            assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + pfn) * PAGE))).as("page %d", pfn).isEqualTo((byte) 0x5a);
        }
    }

    @Test
    void pfnsOutsideGuestRamAreRefusedAndTheRestObeyed() throws Exception {
        start(BalloonConfig.empty(), 0);
        touchBalloonPages();
        long beyondRam = DeviceHarness.RAM / PAGE;

        UsedBuffer used = send(BalloonDevice.INFLATEQ, 0, beyondRam, 0xFFFF_FFFFL, FIRST_PFN + 7, beyondRam + 1);

        assertThat(used.token()).isEqualTo("pfns@0");
        assertThat(balloon.counters().refusedPfns()).isEqualTo(3);
        assertThat(balloon.counters().inflatedPages()).isEqualTo(1);
        assertThat(residentBalloonBytes()).isEqualTo((PFNS - 1) * PAGE);
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 7) * PAGE))).isZero();
        assertThat(memory.readU8(GuestAddress.of(DeviceHarness.RAM - 1))).isEqualTo((byte) 0x5a);
    }

    @Test
    void aRunOfPagesStopsAtTheEndOfItsRegion() throws Exception {
        // Two regions that touch: PFNs 0..7 in the first, 8..15 in the second.
        try (Mapping low = Mapping.anonymous(8 * PAGE); Mapping high = Mapping.anonymous(8 * PAGE)) {
            var split = new SegmentGuestMemory(List.of(
                    new SegmentGuestMemory.Region(GuestAddress.of(0), low.segment()),
                    new SegmentGuestMemory.Region(GuestAddress.of(8 * PAGE), high.segment())));
            split.fill(GuestAddress.of(0), 8 * PAGE, (byte) 1);
            split.fill(GuestAddress.of(8 * PAGE), 8 * PAGE, (byte) 2);
            var discarded = new java.util.ArrayList<String>();
            var runs = new PageRuns(split, (start, length) -> {
                discarded.add(start + "+" + length / PAGE);
                split.discard(start, length);
            });

            for (long pfn = 5; pfn < 11; pfn++) {
                runs.add(pfn * PAGE);
            }
            runs.flush();

            assertThat(discarded).containsExactly("0x5000+3", "0x8000+3");
            assertThat(Mapping.residentBytes(low.segment())).isEqualTo(5 * PAGE);
            assertThat(Mapping.residentBytes(high.segment())).isEqualTo(5 * PAGE);
        }
    }

    @Test
    void deflatedPagesAreUsableAgain() throws Exception {
        start(BalloonConfig.empty(), 0);
        touchBalloonPages();
        send(BalloonDevice.INFLATEQ, 0, balloonPfns(0, 16));

        UsedBuffer used = send(BalloonDevice.DEFLATEQ, 0x1000, balloonPfns(0, 16));
        memory.fill(GuestAddress.of(FIRST_PFN * PAGE), 16 * PAGE, (byte) 7);

        assertThat(used.token()).isEqualTo("pfns@4096");
        assertThat(balloon.counters()).isEqualTo(new BalloonDevice.Counters(16, 16, 0, 0));
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 15) * PAGE))).isEqualTo((byte) 7);
        assertThat(residentBalloonBytes()).isEqualTo(PFNS * PAGE);
    }

    @Test
    void aPfnBufferWithATrailingPartialEntryUsesTheWholeOnes() {
        start(BalloonConfig.empty(), 0);
        touchBalloonPages();
        memory.writeU32(DeviceHarness.data(0), (int) (FIRST_PFN + 1));
        memory.writeU16(DeviceHarness.data(4), (short) (FIRST_PFN + 2));
        SplitQueueDriver inflate = driver.queue(BalloonDevice.INFLATEQ);
        // Split over two descriptors, with the first PFN's bytes across the boundary.
        inflate.add(List.of(DeviceHarness.segment(0, 3), DeviceHarness.segment(3, 3)), List.of(), "odd");
        inflate.kick();

        assertThat(inflate.getBuf().token()).isEqualTo("odd");
        assertThat(balloon.counters().inflatedPages()).isEqualTo(1);
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 1) * PAGE))).isZero();
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 2) * PAGE))).isEqualTo((byte) 0x5a);
    }

    @Test
    void theTargetIsInTheConfigAndSetTargetRaisesAConfigInterrupt() {
        start(new BalloonConfig(600L << 20, false, 0, false), 0);
        assertThat(driver.readConfig(0, 4)).isEqualTo(600L << 8);
        driver.takeInterrupt();
        int generation = driver.read32(MmioRegisters.CONFIG_GENERATION);

        balloon.setTarget(256L << 20);

        assertThat(driver.readConfig(0, 4)).isEqualTo(256L << 8);
        assertThat(driver.takeInterrupt()).isEqualTo(MmioRegisters.INT_CONFIG_CHANGE);
        assertThat(driver.read32(MmioRegisters.CONFIG_GENERATION)).isNotEqualTo(generation);
        assertThat(balloon.targetBytes()).isEqualTo(256L << 20);
    }

    @Test
    void setTargetBeforeTheDriverIsUpRaisesNothing() {
        balloon = new BalloonDevice("balloon0", BalloonConfig.empty());
        harness = new DeviceHarness(balloon, memory);

        balloon.setTarget(5 * PAGE + 100);

        assertThat(harness.interrupts.get()).isZero();
        assertThat(harness.driver.readConfig(0, 4)).isEqualTo(5);
        assertThatThrownBy(() -> balloon.setTarget(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> balloon.setTarget(1L << 44)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDriverWritesActualAndNothingElse() {
        start(new BalloonConfig(64 * PAGE, false, 0, false), 0);

        harness.transport.write(MmioRegisters.CONFIG + 4, new byte[] {40, 0, 0, 0});
        harness.transport.write(MmioRegisters.CONFIG, new byte[] {1, 0, 0, 0});
        harness.transport.write(MmioRegisters.CONFIG + 4, new byte[] {1, 1});

        assertThat(driver.readConfig(4, 4)).isEqualTo(40);
        assertThat(balloon.actualBytes()).isEqualTo(40 * PAGE);
        assertThat(driver.readConfig(0, 4)).as("num_pages is the host's").isEqualTo(64);

        driver.reset();
        assertThat(balloon.actualBytes()).isZero();
    }

    @Test
    void featuresAndQueuesFollowTheConfig() {
        var plain = new BalloonDevice("b", BalloonConfig.empty());
        var full = new BalloonDevice("b", new BalloonConfig(0, true, 5, true));

        assertThat(plain.deviceType()).isEqualTo(DeviceType.BALLOON);
        assertThat(plain.queueCount()).isEqualTo(2);
        assertThat(plain.offeredFeatures() & 0xff).isZero();
        assertThat(full.queueCount()).isEqualTo(4);
        assertThat(full.offeredFeatures() & 0xff).isEqualTo(STATS | REPORTING
                | VirtioFeatures.bit(VirtioBalloon.F_DEFLATE_ON_OOM));
        assertThat(VirtioFeatures.has(full.offeredFeatures(), VirtioBalloon.F_MUST_TELL_HOST)).isFalse();
    }

    /** Writes stats entries at data offset 0x2000 (tag, value pairs) and returns the segment. */
    private Segment writeStats(long... tagValues) {
        for (int i = 0; i < tagValues.length / 2; i++) {
            memory.writeU16(DeviceHarness.data(0x2000 + 10L * i), (short) tagValues[2 * i]);
            memory.writeU64(DeviceHarness.data(0x2000 + 10L * i + 2), tagValues[2 * i + 1]);
        }
        return DeviceHarness.segment(0x2000, 10 * tagValues.length / 2);
    }

    @Test
    void statsRoundTrip() {
        start(new BalloonConfig(0, false, 1, false), STATS);
        SplitQueueDriver stats = driver.queue(2);
        // Probe: the driver fills the buffer and hands it over.
        stats.add(List.of(writeStats(BalloonStats.FREE_MEMORY, 100L << 20, BalloonStats.TOTAL_MEMORY, 1L << 30)),
                List.of(), "stats");
        stats.kick();

        assertThat(stats.getBuf()).as("the device keeps the buffer").isNull();
        BalloonStats first = balloon.latestStats();
        assertThat(first.values()).containsExactly(Map.entry(BalloonStats.FREE_MEMORY, 100L << 20),
                Map.entry(BalloonStats.TOTAL_MEMORY, 1L << 30));
        assertThat(first.named()).containsEntry("free_memory", 100L << 20);
        int interrupts = harness.interrupts.get();

        balloon.pollStats();

        assertThat(stats.getBuf()).isEqualTo(new UsedBuffer("stats", 0));
        assertThat(harness.interrupts.get()).isEqualTo(interrupts + 1);
        assertThat(balloon.latestStats()).isSameAs(first);

        // The guest's stats_request work: refill, hand back.
        stats.add(List.of(writeStats(BalloonStats.FREE_MEMORY, 50L << 20, 42, 7)), List.of(), "stats");
        stats.kick();

        assertThat(stats.getBuf()).isNull();
        assertThat(balloon.latestStats().get(BalloonStats.FREE_MEMORY)).hasValue(50L << 20);
        assertThat(balloon.latestStats().named()).containsEntry("tag_42", 7L);
        assertThat(balloon.latestStats().receivedNanos()).isGreaterThanOrEqualTo(first.receivedNanos());
    }

    @Test
    void aPollWhileTheGuestHoldsTheBufferIsNotRepeated() {
        start(new BalloonConfig(0, false, 1, false), STATS);
        SplitQueueDriver stats = driver.queue(2);
        stats.add(List.of(writeStats(BalloonStats.SWAP_IN, 1)), List.of(), "stats");
        stats.kick();
        balloon.pollStats();
        assertThat(stats.getBuf()).isNotNull();

        balloon.pollStats();
        stats.add(List.of(writeStats(BalloonStats.SWAP_IN, 2)), List.of(), "stats");
        stats.kick();

        assertThat(stats.getBuf()).as("kept until the next poll").isNull();
        assertThat(balloon.latestStats().get(BalloonStats.SWAP_IN)).hasValue(2);
    }

    @Test
    void withoutStatsNegotiatedPollingDoesNothing() {
        start(new BalloonConfig(0, false, 1, false), 0);
        int notifications = harness.notifications.get();

        balloon.pollStats();

        assertThat(harness.notifications.get()).isEqualTo(notifications);
        assertThat(balloon.latestStats()).isNull();
    }

    /** Reports {@code [offset, offset + length)} of the data area as free on queue {@code index}. */
    private UsedBuffer report(int index, long address, int length) {
        SplitQueueDriver reporting = driver.queue(index);
        reporting.add(List.of(), List.of(Segment.of(address, length)), "report");
        reporting.kick();
        return reporting.getBuf();
    }

    @Test
    void reportedFreePagesAreDiscarded() throws Exception {
        start(new BalloonConfig(0, false, 0, true), REPORTING);
        touchBalloonPages();

        UsedBuffer used = report(2, FIRST_PFN * PAGE, (int) (64 * PAGE));

        assertThat(used).isEqualTo(new UsedBuffer("report", 0));
        assertThat(residentBalloonBytes()).isEqualTo((PFNS - 64) * PAGE);
        assertThat(balloon.counters().reportedBytes()).isEqualTo(64 * PAGE);
        assertThat(memory.readU8(GuestAddress.of(FIRST_PFN * PAGE))).isZero();
    }

    @Test
    void withStatsTheReportingQueueIsTheFourth() throws Exception {
        start(new BalloonConfig(0, false, 1, true), STATS | REPORTING);
        touchBalloonPages();

        report(3, FIRST_PFN * PAGE, (int) (8 * PAGE));

        assertThat(residentBalloonBytes()).isEqualTo((PFNS - 8) * PAGE);
    }

    @Test
    void whenTheGuestTurnsStatsDownTheReportingQueueMovesUpLikeLinuxNumbersIt() throws Exception {
        start(new BalloonConfig(0, false, 1, true), REPORTING);
        touchBalloonPages();

        report(2, FIRST_PFN * PAGE, (int) (8 * PAGE));
        UsedBuffer ignored = report(3, (FIRST_PFN + 8) * PAGE, (int) (8 * PAGE));

        assertThat(ignored).as("queue 3 is no queue of this driver").isNull();
        assertThat(balloon.counters().reportedBytes()).isEqualTo(8 * PAGE);
        assertThat(residentBalloonBytes()).isEqualTo((PFNS - 8) * PAGE);
    }

    @Test
    void onlyWholePagesOfAnUnalignedReportAreDiscarded() throws Exception {
        start(new BalloonConfig(0, false, 0, true), REPORTING);
        touchBalloonPages();

        report(2, FIRST_PFN * PAGE + 100, (int) (4 * PAGE));

        assertThat(balloon.counters().reportedBytes()).isEqualTo(3 * PAGE);
        assertThat(memory.readU8(GuestAddress.of(FIRST_PFN * PAGE + 100))).isEqualTo((byte) 0x5a);
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 1) * PAGE))).isZero();
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 3) * PAGE + PAGE - 1))).isZero();
        assertThat(memory.readU8(GuestAddress.of((FIRST_PFN + 4) * PAGE))).isEqualTo((byte) 0x5a);
    }
}
