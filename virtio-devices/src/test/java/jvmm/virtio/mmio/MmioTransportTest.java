package jvmm.virtio.mmio;

import static jvmm.virtio.DeviceStatus.ACKNOWLEDGE;
import static jvmm.virtio.DeviceStatus.DEVICE_NEEDS_RESET;
import static jvmm.virtio.DeviceStatus.DRIVER;
import static jvmm.virtio.DeviceStatus.DRIVER_OK;
import static jvmm.virtio.DeviceStatus.FAILED;
import static jvmm.virtio.DeviceStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.MmioDriver;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.queue.QueueError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The virtio-mmio registers, status machine, windows, activation, interrupts and reset, against a recording device. */
class MmioTransportTest {

    private static final long VERSION_1 = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1);

    private final RecordingDevice device = new RecordingDevice();
    private final DeviceHarness harness = new DeviceHarness(device);
    private final MmioDriver driver = harness.driver;

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void identifiesAsVersion2DeviceWithItsIdAndQueueSizes() {
        assertThat(driver.read32(MmioRegisters.MAGIC_VALUE)).isEqualTo(0x74726976);
        assertThat(driver.read32(MmioRegisters.VERSION)).isEqualTo(2);
        assertThat(driver.read32(MmioRegisters.DEVICE_ID)).isEqualTo(RecordingDevice.TYPE);
        assertThat(driver.read32(MmioRegisters.VENDOR_ID)).isEqualTo(MmioRegisters.VENDOR_JVMM);
        driver.write32(MmioRegisters.QUEUE_SEL, 1);
        assertThat(driver.read32(MmioRegisters.QUEUE_NUM_MAX)).isEqualTo(16);
        driver.write32(MmioRegisters.QUEUE_SEL, 2);
        assertThat(driver.read32(MmioRegisters.QUEUE_NUM_MAX)).as("a queue that does not exist").isZero();
        assertThat(harness.transport.queueNotifyOffset()).isEqualTo(0x50);
        assertThat(harness.transport.deviceId()).isEqualTo(RecordingDevice.TYPE);
    }

    @Test
    void featureWordsAreReadThroughTheSelector() {
        assertThat(driver.deviceFeatures()).isEqualTo(RecordingDevice.FEATURES);
        driver.write32(MmioRegisters.DEVICE_FEATURES_SEL, 2);
        assertThat(driver.read32(MmioRegisters.DEVICE_FEATURES)).isZero();
    }

    @Test
    void acceptsOfferedFeaturesWithVersion1() {
        long wanted = VERSION_1 | VirtioFeatures.bit(RecordingDevice.F_SPECIAL);

        assertThat(driver.negotiate(wanted)).isTrue();

        driver.setupQueue(0, 64);
        driver.setupQueue(1, 16);
        driver.driverOk();
        assertThat(device.activations).singleElement().satisfies(a -> {
            assertThat(a.features()).isEqualTo(wanted);
            assertThat(a.negotiated(RecordingDevice.F_SPECIAL)).isTrue();
        });
    }

    @Test
    void refusesFeaturesOkWithoutVersion1() {
        assertThat(driver.negotiate(VirtioFeatures.bit(RecordingDevice.F_SPECIAL))).isFalse();
        assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER);
    }

    @Test
    void refusesFeaturesOkWithFeaturesThatWereNotOffered() {
        assertThat(driver.negotiate(VERSION_1 | VirtioFeatures.bit(40))).isFalse();
        assertThat(driver.negotiate(VERSION_1)).as("after a reset the driver may try again").isTrue();
    }

    @Test
    void refusesFeatureWordsInAHigherSelector() {
        driver.addStatus(ACKNOWLEDGE);
        driver.addStatus(DRIVER);
        driver.writeDriverFeatures(VERSION_1);
        driver.write32(MmioRegisters.DRIVER_FEATURES_SEL, 2);
        driver.write32(MmioRegisters.DRIVER_FEATURES, 1);
        driver.addStatus(FEATURES_OK);
        assertThat(driver.status() & FEATURES_OK).isZero();
    }

    @Test
    void driverFeaturesWrittenBeforeDriverOrAfterFeaturesOkAreIgnored() {
        driver.writeDriverFeatures(VERSION_1);
        driver.addStatus(ACKNOWLEDGE);
        driver.addStatus(DRIVER);
        driver.addStatus(FEATURES_OK);
        assertThat(driver.status() & FEATURES_OK).as("VERSION_1 written before DRIVER did not count").isZero();

        assertThat(driver.negotiate(VERSION_1)).isTrue();
        driver.writeDriverFeatures(VERSION_1 | VirtioFeatures.bit(RecordingDevice.F_SPECIAL));
        driver.setupQueue(0, 64);
        driver.driverOk();
        assertThat(device.activations.getFirst().features()).isEqualTo(VERSION_1);
    }

    @Test
    void statusBitsOutOfOrderAreRefused() {
        driver.write32(MmioRegisters.STATUS, DRIVER);
        assertThat(driver.status()).as("DRIVER before ACKNOWLEDGE").isZero();
        driver.write32(MmioRegisters.STATUS, ACKNOWLEDGE | DRIVER | DRIVER_OK);
        assertThat(driver.status()).as("DRIVER_OK before FEATURES_OK").isZero();
        assertThat(device.activations).isEmpty();

        driver.write32(MmioRegisters.STATUS, ACKNOWLEDGE | DRIVER);
        assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER);
    }

    @Test
    void onlyZeroClearsStatusBits() {
        driver.addStatus(ACKNOWLEDGE);
        driver.addStatus(DRIVER);
        driver.write32(MmioRegisters.STATUS, ACKNOWLEDGE);
        assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER);

        driver.addStatus(FAILED);
        assertThat(driver.status()).as("FAILED may come at any time").isEqualTo(ACKNOWLEDGE | DRIVER | FAILED);

        int resets = device.resets;
        assertThat(driver.reset()).isTrue();
        assertThat(device.resets).isEqualTo(resets + 1);
    }

    @Test
    void queueRegistersAreRefusedBeforeFeaturesOk() {
        driver.addStatus(ACKNOWLEDGE);
        driver.addStatus(DRIVER);
        driver.write32(MmioRegisters.QUEUE_SEL, 0);
        driver.write32(MmioRegisters.QUEUE_NUM, 32);
        driver.write32(MmioRegisters.QUEUE_READY, 1);
        assertThat(driver.read32(MmioRegisters.QUEUE_READY)).isZero();
    }

    @Test
    void queueRegistersAreRefusedAfterDriverOk() {
        driver.init(VERSION_1, 16);
        var queue = device.activations.getFirst().queue(0);
        GuestAddress desc = queue.descTable();

        driver.write32(MmioRegisters.QUEUE_SEL, 0);
        driver.write32(MmioRegisters.QUEUE_READY, 0);
        driver.write32(MmioRegisters.QUEUE_DESC_LOW, 0x4000);
        driver.write32(MmioRegisters.QUEUE_NUM, 8);

        assertThat(driver.read32(MmioRegisters.QUEUE_READY)).isEqualTo(1);
        assertThat(queue.descTable()).isEqualTo(desc);
        assertThat(queue.size()).isEqualTo(16);
    }

    @Test
    void aReadyQueueKeepsItsAddressesUntilReset() {
        driver.negotiate(VERSION_1);
        driver.setupQueue(0, 16);
        driver.write32(MmioRegisters.QUEUE_DESC_LOW, 0x8000);
        driver.setupQueue(1, 16);
        driver.driverOk();
        assertThat(device.activations.getFirst().queue(0).descTable()).isEqualTo(DeviceHarness.RINGS);
    }

    @Test
    void driverOkActivatesAndNotifiesEveryQueueOnce() {
        driver.init(VERSION_1, 16);

        assertThat(device.activations).hasSize(1);
        assertThat(harness.transport.isActive()).isTrue();
        assertThat(device.processed()).containsExactly(0, 1);
    }

    @Test
    void aQueueNotifyWriteIsHandedToTheNotifierNotProcessedInline() {
        var notified = new AtomicInteger(-1);
        var transport = new MmioTransport(device, harness.memory, () -> { }, notified::set);
        var vcpu = new MmioDriver(transport, harness.memory, DeviceHarness.RINGS);
        vcpu.init(VERSION_1, 16);
        int before = device.processed().size();

        vcpu.kick(1);

        assertThat(notified.get()).isEqualTo(1);
        assertThat(device.processed()).hasSize(before);
        transport.queueNotified(1);
        assertThat(device.processed()).hasSize(before + 1).endsWith(1);
    }

    @Test
    void notificationsBeforeActivationDoNothing() {
        harness.transport.queueNotified(0);
        driver.kick(1);
        assertThat(device.processed()).isEmpty();
    }

    @Test
    void usedBufferSignalSetsInterruptStatusAndTriggersUntilAcknowledged() {
        driver.init(VERSION_1, 16);
        int before = harness.interrupts.get();

        device.activations.getFirst().signals().usedBuffers();

        assertThat(harness.interrupts.get()).isEqualTo(before + 1);
        assertThat(driver.interruptStatus()).isEqualTo(MmioRegisters.INT_USED_BUFFER);
        driver.ack(MmioRegisters.INT_USED_BUFFER);
        assertThat(driver.interruptStatus()).isZero();
    }

    @Test
    void configChangeBumpsTheGenerationAndRaisesItsOwnBit() {
        driver.init(VERSION_1, 16);
        int generation = driver.read32(MmioRegisters.CONFIG_GENERATION);

        device.activations.getFirst().signals().configChanged();

        assertThat(driver.read32(MmioRegisters.CONFIG_GENERATION)).isEqualTo(generation + 1);
        assertThat(driver.takeInterrupt()).isEqualTo(MmioRegisters.INT_CONFIG_CHANGE);
    }

    @Test
    void configSpaceIsReadAtAnyWidth() {
        assertThat(driver.readConfig(0, 8)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(driver.readConfig(8, 4)).isEqualTo(0xCAFE_F00DL);
        assertThat(driver.readConfig(8, 2)).isEqualTo(0xF00DL);
        assertThat(driver.readConfig(9, 1)).isEqualTo(0xF0L);
        assertThat(driver.readConfig(200, 4)).as("past the structure").isZero();
    }

    @Test
    void registerAccessesThatAreNot32BitAreIgnored() {
        byte[] two = {ACKNOWLEDGE, 0};
        harness.transport.write(MmioRegisters.STATUS, two);
        assertThat(driver.status()).isZero();
        byte[] read = {1, 1};
        harness.transport.read(MmioRegisters.MAGIC_VALUE, read);
        assertThat(read).containsExactly(0, 0);
    }

    @Test
    void aBrokenQueueSetsNeedsResetAndRaisesAConfigInterrupt() {
        driver.init(VERSION_1, 16);
        driver.takeInterrupt();
        int before = harness.interrupts.get();

        // A buffer outside guest RAM: the queue breaks when the device pops it.
        driver.queue(0).add(List.of(Segment.of(DeviceHarness.RAM + 0x1000, 64)), List.of(), "bad");
        driver.queue(0).kick();

        var queue = device.activations.getFirst().queue(0);
        assertThat(queue.brokenReason()).isEqualTo(QueueError.DESCRIPTOR_OUT_OF_RAM);
        assertThat(driver.status() & DEVICE_NEEDS_RESET).isNotZero();
        assertThat(driver.takeInterrupt() & MmioRegisters.INT_CONFIG_CHANGE).isNotZero();
        assertThat(harness.interrupts.get()).isGreaterThan(before);

        assertThat(driver.reset()).isTrue();
        assertThat(queue.isBroken()).isFalse();
        driver.init(VERSION_1, 16);
        assertThat(driver.status() & DEVICE_NEEDS_RESET).isZero();
    }

    @Test
    void aDriverWritingBackNeedsResetKeepsIt() {
        driver.init(VERSION_1, 16);
        driver.queue(0).add(List.of(Segment.of(DeviceHarness.RAM, 16)), List.of(), "bad");
        driver.queue(0).kick();

        driver.addStatus(FAILED);

        assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK | FAILED
                | DEVICE_NEEDS_RESET);
    }

    @Test
    void aResetDuringQueueWorkCompletesWhenTheWorkEnds() throws Exception {
        driver.init(VERSION_1, 16);
        int resets = device.resets;
        device.entered = new CountDownLatch(1);
        device.release = new CountDownLatch(1);
        var worker = Thread.ofPlatform().start(() -> harness.transport.queueNotified(0));
        assertThat(device.entered.await(10, TimeUnit.SECONDS)).isTrue();

        driver.write32(MmioRegisters.STATUS, 0);

        assertThat(driver.status()).as("still resetting: the vCPU did not wait for the I/O").isNotZero();
        driver.write32(MmioRegisters.STATUS, ACKNOWLEDGE);
        assertThat(device.resets).isEqualTo(resets);
        device.release.countDown();
        worker.join(10_000);
        assertThat(driver.status()).isZero();
        assertThat(device.resets).isEqualTo(resets + 1);
        assertThat(harness.transport.isActive()).isFalse();
    }

    @Test
    void resetClearsFeaturesQueuesAndInterruptStatus() {
        driver.init(VERSION_1 | VirtioFeatures.bit(RecordingDevice.F_SPECIAL), 16);
        device.activations.getFirst().signals().usedBuffers();

        assertThat(driver.reset()).isTrue();

        assertThat(driver.interruptStatus()).isZero();
        driver.write32(MmioRegisters.QUEUE_SEL, 0);
        assertThat(driver.read32(MmioRegisters.QUEUE_READY)).isZero();
        driver.addStatus(ACKNOWLEDGE);
        driver.addStatus(DRIVER);
        driver.addStatus(FEATURES_OK);
        assertThat(driver.status() & FEATURES_OK).as("accepted features were forgotten").isZero();
    }
}
