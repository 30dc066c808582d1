package jvmm.tools.bench.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Iovecs;
import jvmm.kvm.sys.Libc;
import jvmm.kvm.sys.Poll;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.net.MacAddress;
import jvmm.virtio.net.NetDevice;
import jvmm.virtio.net.TapBackend;
import jvmm.virtio.net.VirtioNet;

/**
 * What the virtio-net device side costs per frame on a real TAP, next to the bare system call
 * that moves the same frame: no guest and no KVM, so it runs anywhere and does not move with an
 * emulated CPU. The driver side is the project's test twin ({@code jvmm.virtio.driver}) in the
 * same thread; only the device's share is timed: the kick (transmit) or the readiness service
 * (receive), against the system calls alone: writev per frame, or poll(2) and readv until the
 * TAP is empty. Rounds alternate device and bare.
 *
 * <p>Transmit frames go to a MAC nobody has with an unassigned EtherType, so the host drops them
 * as early as it can: the system call is at its cheapest and the device's share at its largest.
 * Receive frames are UDP datagrams the host sends to the guest's address on the TAP (the script
 * sets up a neighbour entry for it), read into 2 KiB mergeable buffers as Linux posts them.
 *
 * <p>Usage (from {@code tools/bench-net-device}, inside a network namespace with the TAP up):
 * {@code NetDeviceCpuTime TAP GUEST_IP ROUNDS ROUND_MS}
 */
public final class NetDeviceCpuTime {

    private static final MacAddress GUEST_MAC = MacAddress.parse("52:54:00:12:34:56");
    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX)
            | VirtioFeatures.bit(VirtioNet.F_MAC)
            | VirtioFeatures.bit(VirtioNet.F_MRG_RXBUF);
    private static final int QUEUE_SIZE = 256;
    private static final int PAGE = 4096;
    private static final int MTU_FRAME = 1514;
    private static final int RX_BUFFER = 2048;
    private static final int RX_BATCH = 8;
    /** Where the receive buffers start in the harness's data area (transmit data is below). */
    private static final long RX_DATA = 0x80000;
    private static final int UDP_PAYLOAD = MTU_FRAME - 14 - 20 - 8;

    /** One way of moving frames: {@link #device} and {@link #bare} each move some and return how many. */
    private interface Shape {
        String describe();

        String bareName();

        long device(long[] nanos) throws Exception;

        long bare(long[] nanos) throws Exception;
    }

    private NetDeviceCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: NetDeviceCpuTime TAP GUEST_IP ROUNDS ROUND_MS");
            System.exit(2);
        }
        String tap = args[0];
        String guestIp = args[1];
        int rounds = Integer.parseInt(args[2]);
        long roundNanos = Long.parseLong(args[3]) * 1_000_000L;
        System.out.printf("virtio-net device side on TAP %s, no guest (driver: the test twin); %d rounds of"
                + " %d ms per side, time per frame, median (min-max)%n", tap, rounds, roundNanos / 1_000_000);
        try {
            try (var tx = new Bench(tap)) {
                report(tx.transmit("transmit", VirtioNet.HEADER_SIZE + MTU_FRAME, 0, 8), rounds, roundNanos);
                report(tx.transmit("transmit", VirtioNet.HEADER_SIZE + MTU_FRAME, 15, 1), rounds, roundNanos);
            }
            try (var rx = new Bench(tap)) {
                report(rx.receive(guestIp), rounds, roundNanos);
            }
        } catch (IllegalStateException | ErrnoException | IOException e) {
            // A frame lost or mangled on the way, or a TAP we can't use: no figures, one line.
            System.err.println("bench-net-device: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void report(Shape shape, int rounds, long roundNanos) throws Exception {
        double[] device = new double[rounds];
        double[] bare = new double[rounds];
        run(shape, roundNanos * 2, true); // warm-up: let the JIT compile both paths
        run(shape, roundNanos * 2, false);
        for (int r = 0; r < rounds; r++) {
            device[r] = run(shape, roundNanos, true);
            bare[r] = run(shape, roundNanos, false);
        }
        double d = median(device);
        double b = median(bare);
        System.out.printf("%-63s device %s   bare %-6s %s   device/bare %.2f%n", shape.describe(),
                spread(device), shape.bareName(), spread(bare), d / b);
    }

    /** Nanoseconds per frame over one round of about {@code roundNanos} of timed work. */
    private static double run(Shape shape, long roundNanos, boolean device) throws Exception {
        long[] nanos = new long[1];
        long frames = 0;
        while (nanos[0] < roundNanos) {
            frames += device ? shape.device(nanos) : shape.bare(nanos);
        }
        return (double) nanos[0] / frames;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String spread(double[] nanos) {
        double[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return "%.2f us (%.2f-%.2f)".formatted(median(sorted) / 1000, sorted[0] / 1000, sorted[sorted.length - 1] / 1000);
    }

    /** A device on a TAP with its harness; one per direction, so each starts from a reset queue. */
    private static final class Bench implements AutoCloseable {
        private final TapBackend backend;
        private final NetDevice net;
        private final DeviceHarness harness;
        private final Arena arena = Arena.ofConfined();
        private DatagramChannel sender;

        Bench(String tap) throws ErrnoException {
            backend = TapBackend.open(tap);
            net = new NetDevice("bench", backend, GUEST_MAC);
            harness = new DeviceHarness(net);
            harness.driver.init(FEATURES, QUEUE_SIZE);
        }

        /**
         * Frames of a first buffer of {@code firstBytes} (the header, then the Ethernet frame's
         * start, as Linux puts them with VERSION_1) and {@code pages} 4 KiB pages after it (a
         * TSO frame's fragments), {@code batch} per kick.
         */
        Shape transmit(String what, int firstBytes, int pages, int batch) {
            int buffers = 1 + pages;
            List<Segment> out = new ArrayList<>();
            MemorySegment[] raw = new MemorySegment[buffers];
            for (int i = 0; i < buffers; i++) {
                long offset = (long) i * PAGE;
                int length = i == 0 ? firstBytes : PAGE;
                byte[] bytes = new byte[length];
                if (i == 0) {
                    int eth = VirtioNet.HEADER_SIZE;
                    bytes[eth] = 0x02; // destination 02:00:00:00:00:01, a locally administered MAC nobody has
                    bytes[eth + 5] = 0x01;
                    System.arraycopy(GUEST_MAC.octets(), 0, bytes, eth + 6, 6);
                    bytes[eth + 12] = (byte) 0x88; // EtherType 0x88B5: IEEE local experimental, no handler
                    bytes[eth + 13] = (byte) 0xB5;
                } else {
                    Arrays.fill(bytes, (byte) i);
                }
                harness.memory.write(DeviceHarness.data(offset), bytes, 0, length);
                out.add(DeviceHarness.segment(offset, length));
                raw[i] = harness.memory.slice(DeviceHarness.data(offset), length);
            }
            long frameBytes = firstBytes + (long) pages * PAGE;
            SplitQueueDriver tx = harness.driver.queue(NetDevice.TXQ);
            return new Shape() {
                @Override
                public String describe() {
                    return "%s %d-byte frames in %d buffer%s, %d per kick".formatted(what, frameBytes, buffers,
                            buffers == 1 ? "" : "s", batch);
                }

                @Override
                public String bareName() {
                    return "writev";
                }

                @Override
                public long device(long[] nanos) {
                    for (int i = 0; i < batch; i++) {
                        tx.add(out, List.of(), i);
                    }
                    long sentBefore = net.stats().txFrames();
                    long start = System.nanoTime();
                    tx.kick();
                    nanos[0] += System.nanoTime() - start;
                    for (int i = 0; i < batch; i++) {
                        if (tx.getBuf() == null) {
                            throw new IllegalStateException("the device did not return transmit chain " + i);
                        }
                    }
                    if (net.stats().txFrames() - sentBefore != batch) {
                        throw new IllegalStateException("the TAP took %d of %d frames (drops: %d)"
                                .formatted(net.stats().txFrames() - sentBefore, batch, net.stats().txDropped()));
                    }
                    return batch;
                }

                @Override
                public long bare(long[] nanos) throws ErrnoException {
                    long start = System.nanoTime();
                    for (int i = 0; i < batch; i++) {
                        Libc.writev(backend.fd(), raw);
                    }
                    nanos[0] += System.nanoTime() - start;
                    return batch;
                }
            };
        }

        /** UDP datagrams from the host to {@code guestIp}, {@link #RX_BATCH} per readiness. */
        Shape receive(String guestIp) throws IOException {
            SplitQueueDriver rx = harness.driver.queue(NetDevice.RXQ);
            for (int i = 0; i < QUEUE_SIZE; i++) {
                rx.add(List.of(), List.of(DeviceHarness.segment(RX_DATA + (long) i * RX_BUFFER, RX_BUFFER)), i);
            }
            rx.kick();
            sender = DatagramChannel.open();
            var target = new InetSocketAddress(guestIp, 9);
            ByteBuffer datagram = ByteBuffer.allocateDirect(UDP_PAYLOAD);
            var bareBuffer = new Iovecs(1);
            bareBuffer.set(0, arena.allocate(VirtioNet.HEADER_SIZE + RX_BUFFER, 8));
            return new Shape() {
                @Override
                public String describe() {
                    return "receive %d-byte frames into %d-byte buffers, %d per wake-up".formatted(MTU_FRAME
                            + VirtioNet.HEADER_SIZE, RX_BUFFER, RX_BATCH);
                }

                @Override
                public String bareName() {
                    return "readv";
                }

                private void send() throws IOException {
                    for (int i = 0; i < RX_BATCH; i++) {
                        datagram.clear();
                        if (sender.send(datagram, target) != UDP_PAYLOAD) {
                            throw new IllegalStateException("the host's UDP socket took a short datagram");
                        }
                    }
                }

                @Override
                public long device(long[] nanos) throws Exception {
                    send();
                    long start = System.nanoTime();
                    harness.hostFds.poll();
                    nanos[0] += System.nanoTime() - start;
                    int used = 0;
                    for (UsedBuffer b; (b = rx.getBuf()) != null; used++) {
                        if (b.length() != MTU_FRAME + VirtioNet.HEADER_SIZE) {
                            throw new IllegalStateException("a received frame of %d bytes, not %d"
                                    .formatted(b.length(), MTU_FRAME + VirtioNet.HEADER_SIZE));
                        }
                        int i = (Integer) b.token();
                        rx.add(List.of(), List.of(DeviceHarness.segment(RX_DATA + (long) i * RX_BUFFER, RX_BUFFER)), i);
                    }
                    rx.kick();
                    if (used != RX_BATCH) {
                        throw new IllegalStateException("the device received %d of %d frames".formatted(used, RX_BATCH));
                    }
                    return used;
                }

                /** The system calls any device makes: one poll(2), then readv until the TAP is empty. */
                @Override
                public long bare(long[] nanos) throws Exception {
                    send();
                    long start = System.nanoTime();
                    if ((Poll.poll(backend.fd(), Poll.POLLIN, 0) & Poll.POLLIN) == 0) {
                        throw new IllegalStateException("the TAP is not readable after the host sent to it");
                    }
                    int frames = 0;
                    for (long n; (n = Libc.readv(backend.fd(), bareBuffer, 0, 1)) >= 0; frames++) {
                        if (n != MTU_FRAME + VirtioNet.HEADER_SIZE) {
                            throw new IllegalStateException("read a frame of %d bytes, not %d".formatted(n,
                                    MTU_FRAME + VirtioNet.HEADER_SIZE));
                        }
                    }
                    nanos[0] += System.nanoTime() - start;
                    if (frames != RX_BATCH) {
                        throw new IllegalStateException("read %d of %d frames".formatted(frames, RX_BATCH));
                    }
                    return frames;
                }
            };
        }

        @Override
        public void close() throws IOException {
            if (sender != null) {
                sender.close();
            }
            harness.close();
            net.close();
            arena.close();
        }
    }
}
