package jvmm.virtio.net;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Libc;
import jvmm.kvm.sys.Tap;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.BasicDevice;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.device.HostFdWatcher;
import jvmm.virtio.device.QueueDrain;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.DescriptorChain;
import org.apache.logging.log4j.LogManager;

/**
 * virtio-net over a {@link NetBackend} (virtio 1.2, 5.1): one receive and one transmit queue, a
 * MAC address and a link that is always up.
 *
 * <p>Transmit: each chain's device-readable buffers (header first) go to the backend with one
 * writev from guest RAM, and the chain comes back with length 0. Receive: see {@link Receiver}.
 * The backend's fd is registered through {@link #connectHostFds}; its readability services the
 * receive queue on the queue thread, like a kick.
 *
 * <p>Offered: MAC, STATUS, CSUM and HOST_TSO4/6 (the guest may send partial checksums and TSO
 * frames; the TAP takes them as they are), GUEST_CSUM and GUEST_TSO4/6 (set on the TAP with
 * TUNSETOFFLOAD as negotiated, so the host only sends what the guest accepted), MRG_RXBUF,
 * VERSION_1, EVENT_IDX, INDIRECT_DESC. The header is always the 12-byte virtio_net_hdr_v1.
 *
 * <p>Guest mistakes (a transmit chain with device-writable buffers or shorter than the header,
 * receive buffers that are device-readable or shorter than the header) are answered per chain
 * and logged rate-limited; the device keeps serving.
 */
public final class NetDevice extends BasicDevice implements AutoCloseable {

    public static final int RXQ = 0;
    public static final int TXQ = 1;
    public static final int QUEUE_SIZE = 256;

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(NetDevice.class), TimeUnit.SECONDS.toNanos(5), 10);

    private final NetBackend backend;
    private final MacAddress mac;
    private final NetStats stats = new NetStats();
    private final Receiver receiver;
    private final DescriptorChain txChain = new DescriptorChain(20);

    /** A device over {@code backend}, which it owns from now on. */
    public NetDevice(String name, NetBackend backend, MacAddress mac) {
        super(name, VirtioNet.CONFIG_SIZE);
        this.backend = backend;
        this.mac = mac;
        this.receiver = new Receiver(name, backend, stats, GUEST_LOG);
        byte[] octets = mac.octets();
        for (int i = 0; i < octets.length; i++) {
            configSpace().putU8(VirtioNet.CFG_MAC + i, octets[i]);
        }
        configSpace().putU16(VirtioNet.CFG_STATUS, VirtioNet.S_LINK_UP);
    }

    public MacAddress mac() {
        return mac;
    }

    public NetStats stats() {
        return stats;
    }

    /** Receive chains popped and waiting for a frame. */
    public int heldReceiveChains() {
        return receiver.heldChains();
    }

    @Override
    public int deviceType() {
        return DeviceType.NET;
    }

    @Override
    public long offeredFeatures() {
        return RING_FEATURES
                | VirtioFeatures.bit(VirtioNet.F_CSUM)
                | VirtioFeatures.bit(VirtioNet.F_GUEST_CSUM)
                | VirtioFeatures.bit(VirtioNet.F_MAC)
                | VirtioFeatures.bit(VirtioNet.F_GUEST_TSO4)
                | VirtioFeatures.bit(VirtioNet.F_GUEST_TSO6)
                | VirtioFeatures.bit(VirtioNet.F_HOST_TSO4)
                | VirtioFeatures.bit(VirtioNet.F_HOST_TSO6)
                | VirtioFeatures.bit(VirtioNet.F_MRG_RXBUF)
                | VirtioFeatures.bit(VirtioNet.F_STATUS);
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public void connectHostFds(HostFdWatcher watcher) throws ErrnoException {
        receiver.connect(watcher.register(backend.fd(), RXQ));
    }

    /** Sets the backend's offloads to what the guest accepts (an ioctl, it does not block). */
    @Override
    public void activate(Activation activation) {
        super.activate(activation);
        int offload = offloadFor(activation);
        try {
            backend.setOffload(offload);
        } catch (ErrnoException e) {
            // The TAP keeps handing out plain frames, which every guest accepts.
            GUEST_LOG.warn("{}: setting offloads 0x{} on {} failed: {}", name(), Integer.toHexString(offload),
                    backend, e.getMessage());
        }
    }

    /** TUN_F_* for the negotiated GUEST_* features; TSO only with checksum offload, as Linux requires. */
    static int offloadFor(Activation activation) {
        if (!activation.negotiated(VirtioNet.F_GUEST_CSUM)) {
            return 0;
        }
        int flags = Tap.TUN_F_CSUM;
        if (activation.negotiated(VirtioNet.F_GUEST_TSO4)) {
            flags |= Tap.TUN_F_TSO4;
        }
        if (activation.negotiated(VirtioNet.F_GUEST_TSO6)) {
            flags |= Tap.TUN_F_TSO6;
        }
        return flags;
    }

    @Override
    public void processQueue(int index) {
        Activation active = activation();
        if (active == null) {
            return;
        }
        switch (index) {
            case RXQ -> receive(active);
            case TXQ -> transmit(active);
            default -> throw new IllegalStateException(name() + " has no queue " + index);
        }
    }

    private void receive(Activation active) {
        GuestMemory memory = active.memory();
        boolean gso = active.negotiated(VirtioNet.F_GUEST_TSO4) || active.negotiated(VirtioNet.F_GUEST_TSO6);
        int maxFrame = gso ? VirtioNet.MAX_GSO_FRAME : VirtioNet.MAX_FRAME;
        boolean completed = receiver.service(active.queue(RXQ), memory,
                active.negotiated(VirtioNet.F_MRG_RXBUF), maxFrame);
        if (completed && active.queue(RXQ).needsNotification(memory)) {
            active.signals().usedBuffers();
        }
    }

    private void transmit(Activation active) {
        GuestMemory memory = active.memory();
        if (QueueDrain.drain(active.queue(TXQ), memory, txChain, chain -> send(chain, memory))) {
            active.signals().usedBuffers();
        }
    }

    /** Sends one frame; a transmit chain is always returned with length 0 (nothing written). */
    private int send(DescriptorChain chain, GuestMemory memory) {
        if (chain.writableCount() > 0) {
            stats.txDrop();
            GUEST_LOG.warn("{}: the guest gave us a transmit chain with {} device-writable descriptors; dropped",
                    name(), chain.writableCount());
            return 0;
        }
        if (chain.readableLength() < VirtioNet.HEADER_SIZE || chain.readableCount() > Libc.IOV_MAX) {
            stats.txDrop();
            GUEST_LOG.warn("{}: the guest gave us a transmit chain of {} bytes in {} descriptors; dropped",
                    name(), chain.readableLength(), chain.readableCount());
            return 0;
        }
        MemorySegment[] frame = new MemorySegment[chain.readableCount()];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = memory.slice(chain.address(i), chain.length(i));
        }
        try {
            backend.send(frame);
            stats.sent(chain.readableLength());
        } catch (ErrnoException e) {
            stats.txDrop();
            GUEST_LOG.warn("{}: {} refused a {}-byte frame: {}", name(), backend, chain.readableLength(),
                    e.getMessage());
        }
        return 0;
    }

    @Override
    public void reset() {
        super.reset();
        receiver.reset();
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "NetDevice[%s, %s, %s]".formatted(name(), mac, backend);
    }
}
