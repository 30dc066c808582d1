package jvmm.virtio.driver;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicInteger;
import jvmm.kvm.sys.ErrnoException;
import jvmm.virtio.device.VirtioDevice;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.virtio.mmio.MmioTransport;

/**
 * A device on a virtio-mmio transport in Arena-backed guest memory, with an {@link MmioDriver}
 * in front of it and no VMM: the queue notifier services the queue at once on the calling thread
 * (as if the event loop ran immediately) and the interrupt line counts. Close it to free the
 * memory.
 */
public final class DeviceHarness implements AutoCloseable {

    public static final long RAM = 4 << 20;
    /** Rings of all queues live from here. */
    public static final GuestAddress RINGS = GuestAddress.of(0x1000);
    /** Request buffers of tests live from here on. */
    public static final long DATA = 2 << 20;

    private final Arena arena = Arena.ofShared();
    public final SegmentGuestMemory memory;
    public final AtomicInteger interrupts = new AtomicInteger();
    public final AtomicInteger notifications = new AtomicInteger();
    public final MmioTransport transport;
    public final MmioDriver driver;
    /** The device's host fds (a TAP, a socket), polled by {@link PolledHostFds#poll()}. */
    public final PolledHostFds hostFds;

    public DeviceHarness(VirtioDevice device) {
        this(device, null);
    }

    /**
     * A harness over {@code ram} (e.g. a real mmap'd region, of at least {@link #RAM} bytes from
     * guest address 0), which the caller keeps and frees; null allocates it from the harness's arena.
     */
    public DeviceHarness(VirtioDevice device, SegmentGuestMemory ram) {
        memory = ram != null ? ram : SegmentGuestMemory.allocate(arena, RAM);
        var holder = new MmioTransport[1];
        transport = new MmioTransport(device, memory, interrupts::incrementAndGet, index -> {
            notifications.incrementAndGet();
            holder[0].queueNotified(index);
        });
        holder[0] = transport;
        driver = new MmioDriver(transport, memory, RINGS);
        hostFds = new PolledHostFds(transport::queueNotified);
        try {
            device.connectHostFds(hostFds);
        } catch (ErrnoException e) {
            throw new IllegalStateException("registering the host fds of " + device.name(), e);
        }
    }

    /** The guest address {@code offset} bytes into the data area. */
    public static GuestAddress data(long offset) {
        return GuestAddress.of(DATA + offset);
    }

    public static Segment segment(long offset, int length) {
        return Segment.of(DATA + offset, length);
    }

    @Override
    public void close() {
        arena.close();
    }
}
