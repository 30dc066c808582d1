package jvmm.virtio.console;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.MmioDriver;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.mmio.MmioRegisters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** virtio-console through the transport: output to an in-memory sink, input with backpressure. */
class ConsoleDeviceTest {

    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1);

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ConsoleDevice console = new ConsoleDevice("con0", this::sink, 120, 40);
    private final DeviceHarness harness = new DeviceHarness(console);
    private final MmioDriver driver = harness.driver;

    private synchronized void sink(java.lang.foreign.MemorySegment data) {
        output.writeBytes(data.toArray(JAVA_BYTE));
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private SplitQueueDriver rx() {
        return driver.queue(ConsoleDevice.RECEIVEQ);
    }

    private SplitQueueDriver tx() {
        return driver.queue(ConsoleDevice.TRANSMITQ);
    }

    /** Gives the device a receive buffer of {@code length} bytes at data offset {@code offset}. */
    private void addReceiveBuffer(long offset, int length) {
        rx().add(List.of(), List.of(DeviceHarness.segment(offset, length)), offset);
        rx().kick();
    }

    private String received(UsedBuffer used) {
        byte[] bytes = new byte[used.length()];
        harness.memory.read(DeviceHarness.data((Long) used.token()), bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void transmittedBuffersReachTheSinkInOrder() {
        driver.init(FEATURES, 16);
        harness.memory.write(DeviceHarness.data(0), "hello, ".getBytes(StandardCharsets.US_ASCII));
        harness.memory.write(DeviceHarness.data(0x100), "world\n".getBytes(StandardCharsets.US_ASCII));
        int before = harness.interrupts.get();

        tx().add(List.of(DeviceHarness.segment(0, 7)), List.of(), "a");
        tx().add(List.of(DeviceHarness.segment(0x100, 6)), List.of(), "b");
        tx().kick();

        assertThat(output.toString(StandardCharsets.US_ASCII)).isEqualTo("hello, world\n");
        assertThat(tx().getBuf().token()).isEqualTo("a");
        assertThat(tx().getBuf().token()).isEqualTo("b");
        assertThat(harness.interrupts.get()).isEqualTo(before + 1);
        assertThat(driver.takeInterrupt()).isEqualTo(MmioRegisters.INT_USED_BUFFER);
    }

    @Test
    void inputWaitsForReceiveBuffersAndIsNeverDropped() {
        driver.init(FEATURES, 16);
        console.offerInput("abcdef".getBytes(StandardCharsets.US_ASCII));
        assertThat(console.pendingInput()).isEqualTo(6);

        addReceiveBuffer(0, 4);
        assertThat(received(rx().getBuf())).isEqualTo("abcd");
        assertThat(console.pendingInput()).isEqualTo(2);

        console.offerInput("gh".getBytes(StandardCharsets.US_ASCII));
        addReceiveBuffer(0x100, 64);
        assertThat(received(rx().getBuf())).isEqualTo("efgh");
        assertThat(console.pendingInput()).isZero();
    }

    @Test
    void inputOfferedWhileBuffersWaitIsDeliveredAtOnce() {
        driver.init(FEATURES, 16);
        addReceiveBuffer(0, 16);
        assertThat(rx().getBuf()).isNull();
        int before = harness.interrupts.get();

        console.offerInput("x".getBytes(StandardCharsets.US_ASCII));

        assertThat(received(rx().getBuf())).isEqualTo("x");
        assertThat(harness.interrupts.get()).isEqualTo(before + 1);
    }

    @Test
    void inputOfferedBeforeTheDriverIsUpArrivesAfterDriverOk() {
        console.offerInput("early".getBytes(StandardCharsets.US_ASCII));
        driver.negotiate(FEATURES);
        driver.setupQueue(ConsoleDevice.RECEIVEQ, 16);
        driver.setupQueue(ConsoleDevice.TRANSMITQ, 16);
        // Like Linux: receive buffers are added (and kicked) before DRIVER_OK.
        rx().add(List.of(), List.of(DeviceHarness.segment(0, 16)), 0L);
        rx().kick();
        assertThat(rx().getBuf()).isNull();

        driver.driverOk();

        assertThat(received(rx().getBuf())).isEqualTo("early");
    }

    @Test
    void withEventIdxTheDeviceAsksForAKickWhileInputIsPending() {
        driver.init(FEATURES | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX), 16);
        console.offerInput("0123456789".getBytes(StandardCharsets.US_ASCII));
        long kicks = rx().kicks();

        for (int i = 0; i < 5; i++) {
            addReceiveBuffer(i * 0x100L, 2);
        }

        assertThat(rx().kicks()).as("every buffer was wanted").isEqualTo(kicks + 5);
        var got = new StringBuilder();
        for (UsedBuffer used = rx().getBuf(); used != null; used = rx().getBuf()) {
            got.append(received(used));
        }
        assertThat(got.toString()).isEqualTo("0123456789");
    }

    @Test
    void inputFromAnotherThreadArrivesCompleteAndInOrder() throws Exception {
        driver.init(FEATURES, 16);
        var expected = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            expected.append(i).append(',');
        }
        var producer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 2000; i++) {
                console.offerInput((i + ",").getBytes(StandardCharsets.US_ASCII));
            }
        });
        var got = new StringBuilder();
        long slot = 0;
        for (int i = 0; i < 8; i++) {
            addReceiveBuffer((slot++ % 64) * 0x100, 7);
        }
        while (got.length() < expected.length()) {
            UsedBuffer used = rx().getBuf();
            if (used == null) {
                Thread.onSpinWait();
                continue;
            }
            got.append(received(used));
            addReceiveBuffer((slot++ % 64) * 0x100, 7);
        }
        producer.join(10_000);

        assertThat(got.toString()).isEqualTo(expected.toString());
    }

    @Test
    void sizeIsOfferedAndResizeRaisesAConfigInterrupt() {
        assertThat(VirtioFeatures.has(driver.deviceFeatures(), ConsoleDevice.F_SIZE)).isTrue();
        driver.init(FEATURES | VirtioFeatures.bit(ConsoleDevice.F_SIZE), 16);
        assertThat(driver.readConfig(0, 2)).isEqualTo(120);
        assertThat(driver.readConfig(2, 2)).isEqualTo(40);
        driver.takeInterrupt();

        console.resize(100, 30);

        assertThat(driver.readConfig(0, 4)).isEqualTo(30L << 16 | 100);
        assertThat(driver.takeInterrupt()).isEqualTo(MmioRegisters.INT_CONFIG_CHANGE);
    }

    @Test
    void inputSurvivesADeviceReset() {
        driver.init(FEATURES, 16);
        console.offerInput("kept".getBytes(StandardCharsets.US_ASCII));

        driver.init(FEATURES, 16);
        addReceiveBuffer(0, 16);

        assertThat(received(rx().getBuf())).isEqualTo("kept");
    }

    @Test
    void aConsoleWithoutSizeDoesNotOfferIt() {
        var plain = new ConsoleDevice("con1", data -> { });
        assertThat(VirtioFeatures.has(plain.offeredFeatures(), ConsoleDevice.F_SIZE)).isFalse();
    }
}
