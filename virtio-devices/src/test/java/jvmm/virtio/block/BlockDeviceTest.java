package jvmm.virtio.block;

import static jvmm.virtio.block.BlockFixture.BASE_FEATURES;
import static jvmm.virtio.block.VirtioBlk.S_IOERR;
import static jvmm.virtio.block.VirtioBlk.S_OK;
import static jvmm.virtio.block.VirtioBlk.S_UNSUPP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jvmm.virtio.DeviceStatus;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.mmio.MmioRegisters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** virtio-blk through the transport and the driver twin, on a real temp file. */
class BlockDeviceTest {

    private static final byte[] NONE = new byte[0];

    @TempDir
    Path dir;

    private BlockFixture fixture(boolean readOnly) throws Exception {
        return new BlockFixture(dir, readOnly, "disk-serial-7", BASE_FEATURES);
    }

    @Test
    void readReturnsFileData() throws Exception {
        try (var f = fixture(false)) {
            var done = f.request(VirtioBlk.T_IN, 3, NONE, 4096);

            assertThat(done.status()).isEqualTo(S_OK);
            assertThat(done.usedLength()).isEqualTo(4097);
            assertThat(done.data()).isEqualTo(Arrays.copyOfRange(f.fileBytes(), 3 * 512, 3 * 512 + 4096));
        }
    }

    @Test
    void writeLandsInTheFile() throws Exception {
        try (var f = fixture(false)) {
            byte[] data = new byte[1024];
            Arrays.fill(data, (byte) 0xA5);
            byte[] before = f.fileBytes();

            var done = f.request(VirtioBlk.T_OUT, 10, data, 0);

            assertThat(done.status()).isEqualTo(S_OK);
            byte[] after = f.fileBytes();
            assertThat(Arrays.copyOfRange(after, 5120, 6144)).isEqualTo(data);
            assertThat(Arrays.copyOfRange(after, 0, 5120)).isEqualTo(Arrays.copyOfRange(before, 0, 5120));
            assertThat(Arrays.copyOfRange(after, 6144, after.length))
                    .isEqualTo(Arrays.copyOfRange(before, 6144, before.length));
            assertThat(f.device.stats().snapshot().writtenBytes()).isEqualTo(1024);
        }
    }

    @Test
    void dataSplitOverManyBuffersIsReadInOrder() throws Exception {
        try (var f = fixture(false)) {
            f.writeHeader(0, VirtioBlk.T_IN, 0);
            var ins = List.of(Segment.of(DeviceHarness.DATA + 0x1000, 512), Segment.of(DeviceHarness.DATA + 0x3000, 1024),
                    // the status byte shares the last buffer with data
                    Segment.of(DeviceHarness.DATA + 0x5000, 513));
            f.addRaw(List.of(new Segment(BlockFixture.header(0), 16)), ins, 0);
            f.queue().kick();

            assertThat(f.queue().getBuf().length()).isEqualTo(2049);
            byte[] file = f.fileBytes();
            byte[] got = new byte[2048];
            f.harness.memory.read(DeviceHarness.data(0x1000), got, 0, 512);
            f.harness.memory.read(DeviceHarness.data(0x3000), got, 512, 1024);
            f.harness.memory.read(DeviceHarness.data(0x5000), got, 1536, 512);
            assertThat(got).isEqualTo(Arrays.copyOf(file, 2048));
            assertThat(f.harness.memory.readU8(DeviceHarness.data(0x5000 + 512))).isEqualTo((byte) S_OK);
        }
    }

    @Test
    void flushCompletesOk() throws Exception {
        try (var f = fixture(false)) {
            assertThat(f.request(VirtioBlk.T_FLUSH, 0, NONE, 0).status()).isEqualTo(S_OK);
            assertThat(f.device.stats().snapshot().flushes()).isEqualTo(1);
        }
    }

    @Test
    void flushFeatureAndCapacityAreAdvertised() throws Exception {
        try (var f = fixture(false)) {
            long offered = f.driver.deviceFeatures();
            assertThat(VirtioFeatures.has(offered, VirtioBlk.F_FLUSH)).isTrue();
            assertThat(VirtioFeatures.has(offered, VirtioBlk.F_RO)).isFalse();
            assertThat(VirtioFeatures.has(offered, VirtioBlk.F_DISCARD)).isTrue();
            assertThat(f.driver.readConfig(0, 8)).isEqualTo(BlockFixture.DISK_BYTES / 512);
            assertThat(f.driver.readConfig(20, 4)).as("blk_size").isEqualTo(512);
            assertThat(f.driver.readConfig(12, 4)).as("seg_max").isEqualTo(254);
        }
    }

    @Test
    void requestsPastTheEndFailWithIoerrAndWriteNothing() throws Exception {
        try (var f = fixture(false)) {
            byte[] before = f.fileBytes();
            long lastSector = BlockFixture.DISK_BYTES / 512 - 1;

            assertThat(f.request(VirtioBlk.T_OUT, lastSector, new byte[1024], 0).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_IN, lastSector + 1, NONE, 512).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_IN, -1L, NONE, 512).status()).as("sector 2^64-1").isEqualTo(S_IOERR);

            assertThat(f.fileBytes()).isEqualTo(before);
            assertThat(f.request(VirtioBlk.T_IN, lastSector, NONE, 512).status()).isEqualTo(S_OK);
        }
    }

    @Test
    void readOnlyDiskOffersRoAndRefusesWrites() throws Exception {
        try (var f = fixture(true)) {
            byte[] before = f.fileBytes();
            long offered = f.driver.deviceFeatures();

            assertThat(VirtioFeatures.has(offered, VirtioBlk.F_RO)).isTrue();
            assertThat(VirtioFeatures.has(offered, VirtioBlk.F_DISCARD)).isFalse();
            assertThat(f.request(VirtioBlk.T_OUT, 0, new byte[512], 0).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_IN, 0, NONE, 512).status()).isEqualTo(S_OK);
            assertThat(f.fileBytes()).isEqualTo(before);
        }
    }

    @Test
    void getIdReturnsTheSerialZeroPadded() throws Exception {
        try (var f = fixture(false)) {
            var done = f.request(VirtioBlk.T_GET_ID, 0, NONE, 20);

            assertThat(done.status()).isEqualTo(S_OK);
            byte[] expected = Arrays.copyOf("disk-serial-7".getBytes(StandardCharsets.US_ASCII), 20);
            assertThat(done.data()).isEqualTo(expected);
        }
    }

    @Test
    void writeZeroesZeroesTheRangeAndDiscardSucceeds() throws Exception {
        try (var f = fixture(false)) {
            byte[] before = f.fileBytes();

            var zero = f.request(VirtioBlk.T_WRITE_ZEROES, 0, range(8, 16, 0), 0);
            var discard = f.request(VirtioBlk.T_DISCARD, 0, range(64, 8, 0), 0);

            assertThat(zero.status()).isEqualTo(S_OK);
            assertThat(discard.status()).isEqualTo(S_OK);
            byte[] after = f.fileBytes();
            assertThat(after).hasSize(before.length);
            assertThat(Arrays.copyOfRange(after, 8 * 512, 24 * 512)).containsOnly(0);
            assertThat(Arrays.copyOfRange(after, 0, 8 * 512)).isEqualTo(Arrays.copyOfRange(before, 0, 8 * 512));
            assertThat(Arrays.copyOfRange(after, 24 * 512, 64 * 512))
                    .isEqualTo(Arrays.copyOfRange(before, 24 * 512, 64 * 512));
        }
    }

    @Test
    void discardWithUnmapOrUnknownFlagsIsUnsupportedAndRangesPastTheEndFail() throws Exception {
        try (var f = fixture(false)) {
            assertThat(f.request(VirtioBlk.T_DISCARD, 0, range(0, 8, 1), 0).status()).isEqualTo(S_UNSUPP);
            assertThat(f.request(VirtioBlk.T_WRITE_ZEROES, 0, range(0, 8, 2), 0).status()).isEqualTo(S_UNSUPP);
            assertThat(f.request(VirtioBlk.T_WRITE_ZEROES, 0, range(2047, 2, 0), 0).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_WRITE_ZEROES, 0, new byte[12], 0).status()).isEqualTo(S_IOERR);
        }
    }

    @Test
    void unknownTypesAreUnsupported() throws Exception {
        try (var f = fixture(false)) {
            assertThat(f.request(99, 0, NONE, 0).status()).isEqualTo(S_UNSUPP);
            assertThat(f.request(14, 0, NONE, 0).status()).as("secure erase").isEqualTo(S_UNSUPP);
        }
    }

    @Test
    void aShortHeaderIsAnIoError() throws Exception {
        try (var f = fixture(false)) {
            f.writeHeader(0, VirtioBlk.T_IN, 0);
            f.addRaw(List.of(new Segment(BlockFixture.header(0), 12)), List.of(new Segment(BlockFixture.status(0), 1)), 0);
            f.queue().kick();

            assertThat(f.complete(0).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_IN, 0, NONE, 512).status()).as("still serving").isEqualTo(S_OK);
        }
    }

    @Test
    void aRequestWithoutAWritableStatusIsReturnedUnusedAndTheDeviceKeepsServing() throws Exception {
        try (var f = fixture(false)) {
            byte[] before = f.fileBytes();
            f.writeHeader(0, VirtioBlk.T_OUT, 0);
            // Header, data and "status" all device-readable: nowhere to answer.
            f.addRaw(List.of(new Segment(BlockFixture.header(0), 16), new Segment(BlockFixture.data(0), 512),
                    new Segment(BlockFixture.status(0), 1)), List.of(), 0);
            // Only a header: the status is missing altogether.
            f.writeHeader(1, VirtioBlk.T_FLUSH, 0);
            f.addRaw(List.of(new Segment(BlockFixture.header(1), 16)), List.of(), 1);
            f.queue().kick();

            assertThat(f.queue().getBuf().length()).isZero();
            assertThat(f.queue().getBuf().length()).isZero();
            assertThat(f.harness.memory.readU8(BlockFixture.status(0))).isEqualTo((byte) 0x7f);
            assertThat(f.fileBytes()).isEqualTo(before);
            assertThat(f.driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
            assertThat(f.request(VirtioBlk.T_IN, 0, NONE, 512).status()).isEqualTo(S_OK);
            assertThat(f.device.stats().snapshot().errors()).isEqualTo(2);
        }
    }

    @Test
    void dataInTheWrongDirectionIsAnIoError() throws Exception {
        try (var f = fixture(false)) {
            assertThat(f.request(VirtioBlk.T_IN, 0, new byte[512], 512).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_OUT, 0, NONE, 512).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_IN, 0, NONE, 100).status()).as("not whole sectors").isEqualTo(S_IOERR);
        }
    }

    @Test
    void aBrokenRingStopsTheQueueSetsNeedsResetAndResetRecovers() throws Exception {
        try (var f = fixture(false)) {
            f.driver.takeInterrupt();
            f.queue().add(List.of(Segment.of(DeviceHarness.RAM - 8, 16)), List.of(Segment.of(DeviceHarness.DATA, 1)), 9);
            f.queue().kick();

            assertThat(f.driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
            assertThat(f.driver.takeInterrupt()).isEqualTo(MmioRegisters.INT_CONFIG_CHANGE);
            f.add(1, VirtioBlk.T_IN, 0, NONE, 512);
            f.queue().kick();
            assertThat(f.queue().getBuf()).as("a broken queue serves nothing").isNull();

            f.driver.init(BASE_FEATURES, 16);
            assertThat(f.request(VirtioBlk.T_IN, 0, NONE, 512).status()).isEqualTo(S_OK);
        }
    }

    @Test
    void aBatchOfRequestsGetsOneInterrupt() throws Exception {
        try (var f = fixture(false)) {
            int before = f.harness.interrupts.get();
            for (int slot = 0; slot < 4; slot++) {
                f.add(slot, VirtioBlk.T_IN, slot, NONE, 512);
            }
            f.queue().kick();

            assertThat(f.harness.interrupts.get()).isEqualTo(before + 1);
            for (int i = 0; i < 4; i++) {
                assertThat(f.complete(512).status()).isEqualTo(S_OK);
            }
            assertThat(f.device.stats().snapshot().requests()).isEqualTo(4);
        }
    }

    @Test
    void noInterruptWhenTheDriverSetsNoInterrupt() throws Exception {
        try (var f = fixture(false)) {
            f.queue().disableCallbacks();
            int before = f.harness.interrupts.get();

            f.add(0, VirtioBlk.T_IN, 0, NONE, 512);
            f.queue().kick();

            assertThat(f.harness.interrupts.get()).isEqualTo(before);
            assertThat(f.complete(512).status()).as("completed all the same").isEqualTo(S_OK);
            assertThat(f.queue().enableCallbacks()).isTrue();
            f.request(VirtioBlk.T_IN, 0, NONE, 512);
            assertThat(f.harness.interrupts.get()).isEqualTo(before + 1);
        }
    }

    @Test
    void withEventIdxNoInterruptUntilUsedEventIsReached() throws Exception {
        long features = BASE_FEATURES | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX);
        try (var f = new BlockFixture(dir, false, null, features)) {
            int before = f.harness.interrupts.get();
            f.add(0, VirtioBlk.T_IN, 0, NONE, 512);
            f.queue().kick();
            assertThat(f.harness.interrupts.get()).as("used_event 0 asks for the first").isEqualTo(before + 1);

            // The driver has not consumed the first buffer, so used_event stays at 0: no interrupt.
            f.add(1, VirtioBlk.T_IN, 1, NONE, 512);
            f.queue().kick();
            assertThat(f.harness.interrupts.get()).isEqualTo(before + 1);

            // Consuming moves used_event to 2, so the next completion interrupts again.
            f.complete(512);
            f.complete(512);
            f.add(2, VirtioBlk.T_IN, 2, NONE, 512);
            f.queue().kick();
            assertThat(f.harness.interrupts.get()).isEqualTo(before + 2);
        }
    }

    @Test
    void requestsThroughIndirectTablesWork() throws Exception {
        long features = BASE_FEATURES | VirtioFeatures.bit(VirtioFeatures.VIRTIO_RING_F_INDIRECT_DESC);
        try (var f = new BlockFixture(dir, false, null, features)) {
            byte[] data = new byte[512];
            Arrays.fill(data, (byte) 0x3c);

            assertThat(f.request(VirtioBlk.T_OUT, 5, data, 0).status()).isEqualTo(S_OK);
            var read = f.request(VirtioBlk.T_IN, 5, NONE, 512);

            assertThat(read.data()).isEqualTo(data);
            assertThat(f.queue().numFree()).as("one descriptor per request, all returned").isEqualTo(16);
        }
    }

    @Test
    void discardLimitsAreAdvertisedInTheConfigSpace() throws Exception {
        try (var f = fixture(false)) {
            assertThat(f.driver.readConfig(36, 4)).as("max_discard_sectors").isEqualTo(DiskLimits.DEFAULT_MAX_RANGE_SECTORS);
            assertThat(f.driver.readConfig(40, 4)).as("max_discard_seg").isEqualTo(DiskLimits.DEFAULT_MAX_RANGES);
            assertThat(f.driver.readConfig(48, 4)).as("max_write_zeroes_sectors")
                    .isEqualTo(DiskLimits.DEFAULT_MAX_RANGE_SECTORS);
            assertThat(f.driver.readConfig(56, 1)).as("write_zeroes_may_unmap").isEqualTo(1);
        }
    }

    @Test
    void aShortGetIdBufferGetsTheStartOfTheSerial() throws Exception {
        try (var f = fixture(false)) {
            var done = f.request(VirtioBlk.T_GET_ID, 0, NONE, 4);

            assertThat(done.status()).isEqualTo(S_OK);
            assertThat(new String(done.data(), StandardCharsets.US_ASCII)).isEqualTo("disk");
        }
    }

    @Test
    void discardAndWriteZeroesOnAReadOnlyDiskFail() throws Exception {
        try (var f = fixture(true)) {
            assertThat(f.request(VirtioBlk.T_DISCARD, 0, range(0, 8, 0), 0).status()).isEqualTo(S_IOERR);
            assertThat(f.request(VirtioBlk.T_WRITE_ZEROES, 0, range(0, 8, 0), 0).status()).isEqualTo(S_IOERR);
        }
    }

    private static byte[] range(long sector, int sectors, int flags) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (sector >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            bytes[8 + i] = (byte) (sectors >>> (8 * i));
            bytes[12 + i] = (byte) (flags >>> (8 * i));
        }
        return bytes;
    }
}
