package jvmm.virtio.driver;

import static jvmm.virtio.mmio.MmioRegisters.CONFIG;

import jvmm.virtio.DeviceStatus;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.mmio.MmioRegisters;
import jvmm.virtio.mmio.MmioTransport;

/**
 * The driver side of virtio-mmio for tests, doing what Linux's virtio_mmio.c and the virtio core
 * do, through the transport's registers only: reset and wait for status 0, ACKNOWLEDGE, DRIVER,
 * read the device features with the selector, write the accepted ones, FEATURES_OK and re-read it,
 * set up each queue ({@link SplitQueueDriver} rings in guest memory, size, addresses, ready),
 * DRIVER_OK. Kicks are QueueNotify writes; interrupts are read and acknowledged explicitly.
 *
 * <p>Not thread-safe: one thread plays the guest driver.
 */
public final class MmioDriver {

    private static final long RING_STRIDE_ALIGN = 4096;

    private final MmioTransport transport;
    private final GuestMemory memory;
    private final GuestAddress ringArea;
    private final SplitQueueDriver[] queues;
    private long features;

    /** A driver for {@code transport} that lays its rings out from {@code ringArea} on. */
    public MmioDriver(MmioTransport transport, GuestMemory memory, GuestAddress ringArea) {
        this.transport = transport;
        this.memory = memory;
        this.ringArea = ringArea;
        this.queues = new SplitQueueDriver[transport.queueCount()];
    }

    // ---- raw registers ----

    public int read32(int offset) {
        byte[] data = new byte[4];
        transport.read(offset, data);
        return (int) ConfigSpace.decodeLe(data);
    }

    public void write32(int offset, int value) {
        byte[] data = new byte[4];
        ConfigSpace.encodeLe(Integer.toUnsignedLong(value), data);
        transport.write(offset, data);
    }

    /** Reads {@code width} (1, 2, 4 or 8) bytes of the device configuration at {@code offset}. */
    public long readConfig(int offset, int width) {
        byte[] data = new byte[width];
        transport.read(CONFIG + offset, data);
        return ConfigSpace.decodeLe(data);
    }

    // ---- the initialization sequence (virtio 1.2, 3.1.1) ----

    public int status() {
        return read32(MmioRegisters.STATUS);
    }

    /** Sets bits on top of the current status, like Linux's virtio_add_status. */
    public void addStatus(int bits) {
        write32(MmioRegisters.STATUS, status() | bits);
    }

    /** Writes 0 to Status; returns whether it reads back 0 (the reset completed). */
    public boolean reset() {
        write32(MmioRegisters.STATUS, 0);
        for (SplitQueueDriver queue : queues) {
            if (queue != null) {
                queue.reset();
            }
        }
        return status() == 0;
    }

    /** The 64 feature bits the device offers, read through DeviceFeaturesSel 0 and 1. */
    public long deviceFeatures() {
        write32(MmioRegisters.DEVICE_FEATURES_SEL, 0);
        long low = Integer.toUnsignedLong(read32(MmioRegisters.DEVICE_FEATURES));
        write32(MmioRegisters.DEVICE_FEATURES_SEL, 1);
        long high = Integer.toUnsignedLong(read32(MmioRegisters.DEVICE_FEATURES));
        return high << 32 | low;
    }

    /** Writes both driver feature words. */
    public void writeDriverFeatures(long accepted) {
        write32(MmioRegisters.DRIVER_FEATURES_SEL, 0);
        write32(MmioRegisters.DRIVER_FEATURES, (int) accepted);
        write32(MmioRegisters.DRIVER_FEATURES_SEL, 1);
        write32(MmioRegisters.DRIVER_FEATURES, (int) (accepted >>> 32));
    }

    /**
     * Reset, ACKNOWLEDGE, DRIVER, accept {@code wanted} as is (even bits the device did not
     * offer, so tests can probe refusals), FEATURES_OK, and re-read the status.
     *
     * @return whether the device kept FEATURES_OK, i.e. accepted the feature set
     */
    public boolean negotiate(long wanted) {
        if (!reset()) {
            throw new IllegalStateException("status did not read 0 after reset: 0x" + Integer.toHexString(status()));
        }
        addStatus(DeviceStatus.ACKNOWLEDGE);
        addStatus(DeviceStatus.DRIVER);
        writeDriverFeatures(wanted);
        addStatus(DeviceStatus.FEATURES_OK);
        boolean accepted = (status() & DeviceStatus.FEATURES_OK) != 0;
        features = accepted ? wanted : 0;
        return accepted;
    }

    /** The features accepted in the last successful {@link #negotiate}. */
    public long features() {
        return features;
    }

    /** Sets up queue {@code index} with {@code size} entries and marks it ready. */
    public SplitQueueDriver setupQueue(int index, int size) {
        write32(MmioRegisters.QUEUE_SEL, index);
        int max = read32(MmioRegisters.QUEUE_NUM_MAX);
        if (max == 0 || size > max) {
            throw new IllegalStateException("queue %d: size %d, the device allows %d".formatted(index, size, max));
        }
        if (read32(MmioRegisters.QUEUE_READY) != 0) {
            throw new IllegalStateException("queue " + index + " is already ready");
        }
        RingLayout layout = RingLayout.at(ringBase(index, max), size);
        var queue = new SplitQueueDriver(memory, layout,
                VirtioFeatures.has(features, VirtioFeatures.VIRTIO_F_EVENT_IDX),
                VirtioFeatures.has(features, VirtioFeatures.VIRTIO_RING_F_INDIRECT_DESC),
                () -> kick(index));
        write32(MmioRegisters.QUEUE_NUM, size);
        writeAddress(MmioRegisters.QUEUE_DESC_LOW, layout.descTable());
        writeAddress(MmioRegisters.QUEUE_DRIVER_LOW, layout.availRing());
        writeAddress(MmioRegisters.QUEUE_DEVICE_LOW, layout.usedRing());
        write32(MmioRegisters.QUEUE_READY, 1);
        queues[index] = queue;
        return queue;
    }

    /** Each queue gets a slot big enough for its largest size, so slots never overlap. */
    private GuestAddress ringBase(int index, int maxSize) {
        RingLayout largest = RingLayout.at(ringArea, maxSize);
        long stride = (largest.end().offsetFrom(ringArea) + RING_STRIDE_ALIGN - 1) & -RING_STRIDE_ALIGN;
        return ringArea.checkedAdd(stride * index);
    }

    private void writeAddress(int lowOffset, GuestAddress address) {
        write32(lowOffset, (int) address.value());
        write32(lowOffset + 4, (int) (address.value() >>> 32));
    }

    /** Sets DRIVER_OK. */
    public void driverOk() {
        addStatus(DeviceStatus.DRIVER_OK);
    }

    /**
     * The whole sequence: negotiate {@code wanted} (which the device must accept), set up every
     * queue with {@code queueSize} entries, DRIVER_OK.
     */
    public MmioDriver init(long wanted, int queueSize) {
        if (!negotiate(wanted)) {
            throw new IllegalStateException("the device refused features 0x" + Long.toHexString(wanted));
        }
        for (int i = 0; i < queues.length; i++) {
            setupQueue(i, queueSize);
        }
        driverOk();
        return this;
    }

    public SplitQueueDriver queue(int index) {
        return queues[index];
    }

    /** A QueueNotify write for queue {@code index}. */
    public void kick(int index) {
        write32(MmioRegisters.QUEUE_NOTIFY, index);
    }

    public int interruptStatus() {
        return read32(MmioRegisters.INTERRUPT_STATUS);
    }

    /** Acknowledges {@code bits} of InterruptStatus. */
    public void ack(int bits) {
        write32(MmioRegisters.INTERRUPT_ACK, bits);
    }

    /** Reads InterruptStatus and acknowledges all of it, as an interrupt handler does; returns what it read. */
    public int takeInterrupt() {
        int bits = interruptStatus();
        ack(bits);
        return bits;
    }
}
