package jvmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jvmm.kvm.sys.Libc;
import jvmm.kvm.sys.Tap;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.MmioDriver;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** virtio-net through the transport and the driver twin, over a real datagram socketpair. */
class NetDeviceTest {

    private static final long BASE = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX)
            | VirtioFeatures.bit(VirtioNet.F_MAC);
    private static final long MERGEABLE = BASE | VirtioFeatures.bit(VirtioNet.F_MRG_RXBUF);
    private static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");

    private final SocketpairBackend backend = newBackend();
    private final NetDevice net = new NetDevice("net0", backend, MAC);
    private final DeviceHarness harness = new DeviceHarness(net);
    private final MmioDriver driver = harness.driver;

    private static SocketpairBackend newBackend() {
        try {
            return new SocketpairBackend();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        harness.close();
        net.close();
    }

    private SplitQueueDriver rx() {
        return driver.queue(NetDevice.RXQ);
    }

    private SplitQueueDriver tx() {
        return driver.queue(NetDevice.TXQ);
    }

    /** A frame as the network hands it over: a header whose num_buffers holds garbage, then payload. */
    private static byte[] frame(int payload, int seed) {
        byte[] frame = new byte[VirtioNet.HEADER_SIZE + payload];
        frame[VirtioNet.HEADER_NUM_BUFFERS] = (byte) 0xEE;
        frame[VirtioNet.HEADER_NUM_BUFFERS + 1] = (byte) 0xEE;
        for (int i = VirtioNet.HEADER_SIZE; i < frame.length; i++) {
            frame[i] = (byte) (i * 31 + seed);
        }
        return frame;
    }

    /** What the guest should find: the frame with num_buffers set to {@code buffers}. */
    private static byte[] delivered(byte[] frame, int buffers) {
        byte[] expected = frame.clone();
        expected[VirtioNet.HEADER_NUM_BUFFERS] = (byte) buffers;
        expected[VirtioNet.HEADER_NUM_BUFFERS + 1] = (byte) (buffers >>> 8);
        return expected;
    }

    private void addRx(long offset, int length) {
        rx().add(List.of(), List.of(DeviceHarness.segment(offset, length)), offset);
    }

    private byte[] guestBytes(long offset, int length) {
        byte[] bytes = new byte[length];
        harness.memory.read(DeviceHarness.data(offset), bytes, 0, length);
        return bytes;
    }

    @Test
    void configSpaceCarriesTheMacAndAnUpLink() {
        assertThat(harness.transport.deviceId()).isEqualTo(DeviceType.NET);
        assertThat(driver.deviceFeatures()).isEqualTo(net.offeredFeatures());
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) driver.readConfig(i, 1);
        }

        assertThat(mac).containsExactly(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
        assertThat(driver.readConfig(6, 2)).isEqualTo(VirtioNet.S_LINK_UP);
        assertThat(net.offeredFeatures() & VirtioFeatures.bit(VirtioNet.F_MRG_RXBUF)).isNotZero();
    }

    @Test
    void theBackendOnlyOffloadsWhatTheGuestAccepted() {
        driver.init(BASE | VirtioFeatures.bit(VirtioNet.F_GUEST_CSUM) | VirtioFeatures.bit(VirtioNet.F_GUEST_TSO4), 16);
        assertThat(backend.offload).isEqualTo(Tap.TUN_F_CSUM | Tap.TUN_F_TSO4);

        driver.init(BASE, 16);
        assertThat(backend.offload).isZero();
    }

    @Test
    void transmitChainsReachTheBackendByteExactAndComeBackEmpty() throws Exception {
        driver.init(BASE, 16);
        byte[] first = frame(1000, 1);
        byte[] second = frame(60, 2);
        // first: header apart, payload split in two; second: all in one buffer.
        harness.memory.write(DeviceHarness.data(0), first, 0, 12);
        harness.memory.write(DeviceHarness.data(0x1000), first, 12, 500);
        harness.memory.write(DeviceHarness.data(0x2000), first, 512, first.length - 512);
        harness.memory.write(DeviceHarness.data(0x3000), second);
        int interrupts = harness.interrupts.get();

        tx().add(List.of(DeviceHarness.segment(0, 12), DeviceHarness.segment(0x1000, 500),
                DeviceHarness.segment(0x2000, first.length - 512)), List.of(), "first");
        tx().add(List.of(DeviceHarness.segment(0x3000, second.length)), List.of(), "second");
        tx().kick();

        assertThat(backend.takeSent()).isEqualTo(first);
        assertThat(backend.takeSent()).isEqualTo(second);
        assertThat(backend.takeSent()).isNull();
        assertThat(tx().getBuf()).isEqualTo(new UsedBuffer("first", 0));
        assertThat(tx().getBuf()).isEqualTo(new UsedBuffer("second", 0));
        assertThat(harness.interrupts.get()).isEqualTo(interrupts + 1);
        assertThat(net.stats().txFrames()).isEqualTo(2);
        assertThat(net.stats().txBytes()).isEqualTo(first.length + second.length);
    }

    @Test
    void malformedTransmitChainsAreReturnedAndNothingIsSent() throws Exception {
        driver.init(BASE, 16);
        harness.memory.write(DeviceHarness.data(0), frame(100, 3));

        tx().add(List.of(DeviceHarness.segment(0, 112)), List.of(DeviceHarness.segment(0x1000, 64)), "writable");
        tx().add(List.of(DeviceHarness.segment(0, 8)), List.of(), "short");
        tx().add(List.of(DeviceHarness.segment(0, 112)), List.of(), "good");
        tx().kick();

        assertThat(backend.takeSent()).hasSize(112);
        assertThat(backend.takeSent()).isNull();
        assertThat(List.of(tx().getBuf(), tx().getBuf(), tx().getBuf())).extracting(UsedBuffer::token)
                .containsExactly("writable", "short", "good");
        assertThat(net.stats().txDropped()).isEqualTo(2);
    }

    @Test
    void withoutMergingEachFrameFillsOneBufferWithNumBuffersOne() throws Exception {
        driver.init(BASE, 16);
        byte[] first = frame(1500, 4);
        byte[] second = frame(42, 5);
        addRx(0, 2048);
        addRx(0x1000, 2048);
        rx().kick();
        assertThat(harness.hostFds.isWatched(backend.fd())).as("buffers and nothing to read: wait for the TAP").isTrue();

        backend.inject(first);
        backend.inject(second);
        assertThat(harness.hostFds.poll()).isEqualTo(1);

        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0L, first.length));
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0x1000L, second.length));
        assertThat(guestBytes(0, first.length)).isEqualTo(delivered(first, 1));
        assertThat(guestBytes(0x1000, second.length)).isEqualTo(delivered(second, 1));
        assertThat(net.stats().rxFrames()).isEqualTo(2);
        assertThat(harness.hostFds.isWatched(backend.fd())).as("out of buffers: stop reading").isFalse();
    }

    @Test
    void mergeableBuffersTakeAFrameAcrossChainsPublishedTogether() throws Exception {
        driver.init(MERGEABLE, 16);
        // The device reads only once its buffers can take any frame (1530 bytes here: no TSO).
        for (int i = 0; i < 6; i++) {
            addRx(i * 0x1000L, 600);
        }
        rx().kick();
        byte[] big = frame(988, 6);
        byte[] small = frame(88, 7);

        backend.inject(big);
        backend.inject(small);
        harness.hostFds.poll();

        UsedBuffer a = rx().getBuf();
        UsedBuffer b = rx().getBuf();
        UsedBuffer c = rx().getBuf();
        assertThat(List.of(a, b, c)).containsExactly(new UsedBuffer(0L, 600), new UsedBuffer(0x1000L, 400),
                new UsedBuffer(0x2000L, 100));
        byte[] joined = new byte[1000];
        System.arraycopy(guestBytes(0, 600), 0, joined, 0, 600);
        System.arraycopy(guestBytes(0x1000, 400), 0, joined, 600, 400);
        assertThat(joined).isEqualTo(delivered(big, 2));
        assertThat(guestBytes(0x2000, 100)).isEqualTo(delivered(small, 1));
        assertThat(rx().getBuf()).isNull();
        assertThat(net.heldReceiveChains()).as("the other three wait for the next frame").isEqualTo(3);
    }

    @Test
    void framesStayIntactOverManyRefillsOfMultiBufferChains() throws Exception {
        // Chains of four 100-byte buffers: the held buffers' iovecs wrap around the device's
        // iovec array several times over (2048 entries) while frames are read into them.
        driver.init(MERGEABLE, 256);
        int chainBytes = 400;
        long nextChain = 0;
        Map<Long, Long> chainAddress = new HashMap<>();
        Random random = new Random(42);
        int rounds = 30;
        int framesPerRound = 10; // at most 40 of the ring's 64 chains: every frame finds room
        for (int round = 0; round < rounds; round++) {
            while (rx().numFree() >= 4) {
                long at = (nextChain % 512) * 0x200;
                List<Segment> buffers = new ArrayList<>();
                for (int b = 0; b < 4; b++) {
                    buffers.add(DeviceHarness.segment(at + b * 100L, 100));
                }
                chainAddress.put(nextChain, at);
                rx().add(List.of(), buffers, nextChain++);
            }
            rx().kick();
            for (int f = 0; f < framesPerRound; f++) {
                byte[] sent = frame(random.nextInt(1500) + 1, round * 100 + f);
                backend.inject(sent);
                harness.hostFds.poll();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                int buffersUsed = 0;
                while (got.size() < sent.length) {
                    UsedBuffer used = rx().getBuf();
                    assertThat(used).as("round %d frame %d", round, f).isNotNull();
                    got.write(guestBytes(chainAddress.get((Long) used.token()), used.length()));
                    buffersUsed++;
                }
                assertThat(got.toByteArray()).as("round %d frame %d", round, f).isEqualTo(delivered(sent, buffersUsed));
                assertThat(buffersUsed).isEqualTo((sent.length + chainBytes - 1) / chainBytes);
            }
        }
        assertThat(net.stats().rxDropped()).isZero();
        assertThat(net.stats().rxFrames()).isEqualTo(rounds * framesPerRound);
    }

    @Test
    void buffersTooSmallForTheHeaderOrDeviceReadableAreReturnedUnused() throws Exception {
        driver.init(BASE, 16);
        byte[] packet = frame(50, 8);
        backend.inject(packet);

        addRx(0, 8);
        rx().add(List.of(DeviceHarness.segment(0x1000, 100)), List.of(DeviceHarness.segment(0x2000, 100)), "readable");
        addRx(0x3000, 2048);
        rx().kick();

        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0L, 0));
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer("readable", 0));
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0x3000L, packet.length));
        assertThat(guestBytes(0x3000, packet.length)).isEqualTo(delivered(packet, 1));
        assertThat(net.stats().badRxBuffers()).isEqualTo(2);
        assertThat(net.stats().rxDropped()).isZero();
    }

    @Test
    void aFrameLargerThanTheBufferIsDroppedAndTheBufferServesTheNextFrame() throws Exception {
        driver.init(BASE, 16);
        addRx(0, 64);
        rx().kick();

        backend.inject(frame(200, 9));
        byte[] fits = frame(40, 10);
        backend.inject(fits);
        harness.hostFds.poll();

        assertThat(net.stats().rxDropped()).isEqualTo(1);
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0L, fits.length));
        assertThat(guestBytes(0, fits.length)).isEqualTo(delivered(fits, 1));
        assertThat(rx().getBuf()).isNull();
    }

    @Test
    void withoutReceiveBuffersTheBackendIsNotReadUntilTheGuestKicks() throws Exception {
        driver.init(BASE, 16);
        assertThat(harness.hostFds.isWatched(backend.fd())).isFalse();
        byte[][] frames = {frame(100, 11), frame(200, 12), frame(300, 13)};
        for (byte[] f : frames) {
            backend.inject(f);
        }

        assertThat(harness.hostFds.poll()).as("not watched: no reads").isZero();
        assertThat(backend.waitingForDevice()).isEqualTo(frames[0].length);

        addRx(0, 2048);
        rx().kick();
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0L, frames[0].length));
        assertThat(harness.hostFds.isWatched(backend.fd())).isFalse();
        assertThat(backend.waitingForDevice()).as("the next frame still waits in the host").isEqualTo(frames[1].length);

        addRx(0x1000, 2048);
        addRx(0x2000, 2048);
        addRx(0x3000, 2048);
        rx().kick();
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0x1000L, frames[1].length));
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0x2000L, frames[2].length));
        assertThat(guestBytes(0x2000, frames[2].length)).isEqualTo(delivered(frames[2], 1));
        assertThat(harness.hostFds.isWatched(backend.fd())).as("a buffer left and nothing to read").isTrue();

        byte[] later = frame(10, 14);
        backend.inject(later);
        assertThat(harness.hostFds.poll()).isEqualTo(1);
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0x3000L, later.length));
        assertThat(net.stats().rxDropped()).isZero();
        assertThat(net.stats().rxFrames()).isEqualTo(4);
    }

    @Test
    void aResetForgetsHeldBuffersAndStopsReading() throws Exception {
        driver.init(MERGEABLE, 16);
        addRx(0, 600);
        rx().kick();
        assertThat(net.heldReceiveChains()).as("600 bytes cannot take a full frame: held, waiting").isEqualTo(1);

        driver.reset();

        assertThat(net.heldReceiveChains()).isZero();
        assertThat(harness.hostFds.isWatched(backend.fd())).isFalse();
        driver.init(MERGEABLE, 16);
        for (int i = 0; i < 3; i++) {
            addRx(i * 0x1000L, 600);
        }
        rx().kick();
        byte[] packet = frame(20, 15);
        backend.inject(packet);
        harness.hostFds.poll();
        assertThat(rx().getBuf()).isEqualTo(new UsedBuffer(0L, packet.length));
    }
}
