package jvmm.virtio.mmio;

import static jvmm.virtio.mmio.MmioRegisters.CONFIG;
import static jvmm.virtio.mmio.MmioRegisters.INT_CONFIG_CHANGE;
import static jvmm.virtio.mmio.MmioRegisters.INT_USED_BUFFER;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import jvmm.virtio.DeviceStatus;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.device.DeviceSignals;
import jvmm.virtio.device.InterruptLine;
import jvmm.virtio.device.QueueNotifier;
import jvmm.virtio.device.VirtioDevice;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.Queue;
import jvmm.virtio.queue.QueueError;
import org.apache.logging.log4j.LogManager;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2), around one {@link VirtioDevice}.
 *
 * <p>How the VMM uses it: map {@link MmioRegisters#WINDOW_SIZE} bytes at the device's base on the
 * MMIO bus and forward accesses to {@link #read} and {@link #write}; register one ioeventfd per
 * queue on {@code base + }{@link #queueNotifyOffset()} with datamatch = queue index, and call
 * {@link #queueNotified(int)} from the event loop when one fires; give the constructor an
 * {@link InterruptLine} that writes the device's irqfd and a {@link QueueNotifier} that signals the
 * queue's ioeventfd (for QueueNotify writes that still reach us, and for wake-ups the device asks
 * for).
 *
 * <p>Threads: registers are read and written by vCPU threads under this object's monitor, which is
 * never held during device I/O. Queue work runs in {@link #queueNotified} under a separate work
 * lock. A reset (status 0) must not wait for I/O in progress, so it is only requested on the vCPU
 * thread: it completes there if no queue work is running, or else on the queue thread as soon as
 * that work ends. Until then Status keeps reading non-zero, as the driver must wait for 0 (2.4).
 *
 * <p>Guest mistakes (writes outside their window, bad widths, unknown offsets) are ignored with a
 * rate-limited warning; nothing is thrown into the vCPU loop.
 */
public final class MmioTransport {

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(MmioTransport.class), TimeUnit.SECONDS.toNanos(5), 10);

    private final VirtioDevice device;
    private final GuestMemory memory;
    private final InterruptLine interrupt;
    private final QueueNotifier notifier;
    private final Queue[] queues;
    private final DeviceSignals signals = new Signals();

    /** Held while the device processes a queue, and while a reset completes. */
    private final ReentrantLock work = new ReentrantLock();
    private final AtomicBoolean resetPending = new AtomicBoolean();
    private final AtomicInteger interruptStatus = new AtomicInteger();
    private volatile boolean active;

    // Register state, guarded by this.
    private int status;
    private int deviceFeaturesSel;
    private final FeatureNegotiation driverFeatures = new FeatureNegotiation();
    private int queueSel;
    private int configGeneration;

    /**
     * A transport for {@code device} over guest {@code memory}; {@code interrupt} raises the
     * device's interrupt, {@code notifier} hands queue notifications to the queue thread.
     */
    public MmioTransport(VirtioDevice device, GuestMemory memory, InterruptLine interrupt, QueueNotifier notifier) {
        if (!VirtioFeatures.has(device.offeredFeatures(), VirtioFeatures.VIRTIO_F_VERSION_1)) {
            throw new IllegalStateException(device.name() + " does not offer VIRTIO_F_VERSION_1");
        }
        this.device = device;
        this.memory = memory;
        this.interrupt = interrupt;
        this.notifier = notifier;
        this.queues = new Queue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            int index = i;
            queues[i] = new Queue(device.name() + ".q" + i, device.queueMaxSize(i));
            queues[i].setBrokenListener(error -> queueBroken(index, error));
        }
    }

    // ---- what the VMM needs to wire the device ----

    /** The virtio device id (DeviceID register). */
    public int deviceId() {
        return device.deviceType();
    }

    public int queueCount() {
        return queues.length;
    }

    /** The QueueNotify offset, where the VMM registers one ioeventfd per queue (datamatch = index). */
    public long queueNotifyOffset() {
        return MmioRegisters.QUEUE_NOTIFY;
    }

    public VirtioDevice device() {
        return device;
    }

    /** The device status as the driver would read it (for diagnostics and tests). */
    public synchronized int status() {
        return status;
    }

    /** Whether the driver set DRIVER_OK and no reset happened since. */
    public boolean isActive() {
        return active;
    }

    // ---- register access from vCPU threads ----

    /** A driver read of {@code data.length} (1, 2, 4 or 8) bytes at {@code offset}, little-endian. */
    public void read(long offset, byte[] data) {
        if (offset >= CONFIG) {
            device.readConfig(offset - CONFIG, data);
            return;
        }
        if (!isRegisterAccess(offset, data, "read")) {
            ConfigSpace.encodeLe(0, data);
            return;
        }
        ConfigSpace.encodeLe(Integer.toUnsignedLong(readRegister((int) offset)), data);
    }

    /** A driver write of {@code data.length} (1, 2, 4 or 8) bytes at {@code offset}, little-endian. */
    public void write(long offset, byte[] data) {
        if (offset >= CONFIG) {
            device.writeConfig(offset - CONFIG, data);
            return;
        }
        if (!isRegisterAccess(offset, data, "write")) {
            return;
        }
        int value = (int) ConfigSpace.decodeLe(data);
        if (offset == MmioRegisters.QUEUE_NOTIFY) {
            notifyFromVcpu(value);
            return;
        }
        boolean activated;
        synchronized (this) {
            activated = writeRegister((int) offset, value);
        }
        if (activated) {
            // Buffers made available before DRIVER_OK (Linux adds receive buffers in probe) got
            // no notification that counted: look at every queue once.
            for (int i = 0; i < queues.length; i++) {
                notifier.notify(i);
            }
        }
        completePendingReset();
    }

    private boolean isRegisterAccess(long offset, byte[] data, String what) {
        if (data.length != 4 || (offset & 3) != 0 || offset < 0) {
            GUEST_LOG.warn("{}: the guest gave us a {}-byte {} at register offset 0x{}; registers are 32-bit",
                    device.name(), data.length, what, Long.toHexString(offset));
            return false;
        }
        return true;
    }

    private synchronized int readRegister(int offset) {
        return switch (offset) {
            case MmioRegisters.MAGIC_VALUE -> MmioRegisters.MAGIC;
            case MmioRegisters.VERSION -> MmioRegisters.VERSION_2;
            case MmioRegisters.DEVICE_ID -> device.deviceType();
            case MmioRegisters.VENDOR_ID -> MmioRegisters.VENDOR_JVMM;
            case MmioRegisters.DEVICE_FEATURES -> FeatureNegotiation.word(device.offeredFeatures(), deviceFeaturesSel);
            case MmioRegisters.QUEUE_NUM_MAX -> selectedQueue() == null ? 0 : selectedQueue().maxSize();
            case MmioRegisters.QUEUE_READY -> selectedQueue() != null && selectedQueue().isReady() ? 1 : 0;
            case MmioRegisters.INTERRUPT_STATUS -> interruptStatus.get();
            case MmioRegisters.STATUS -> status;
            case MmioRegisters.CONFIG_GENERATION -> configGeneration;
            // No shared memory regions: a length of -1 says the selected one does not exist.
            case MmioRegisters.SHM_LEN_LOW, MmioRegisters.SHM_LEN_HIGH,
                 MmioRegisters.SHM_BASE_LOW, MmioRegisters.SHM_BASE_HIGH -> -1;
            default -> {
                GUEST_LOG.warn("{}: the guest read write-only or unknown register 0x{}",
                        device.name(), Integer.toHexString(offset));
                yield 0;
            }
        };
    }

    /** Applies a register write; returns whether it activated the device. Caller holds the monitor. */
    private boolean writeRegister(int offset, int value) {
        switch (offset) {
            case MmioRegisters.DEVICE_FEATURES_SEL -> deviceFeaturesSel = value;
            case MmioRegisters.DRIVER_FEATURES_SEL -> driverFeatures.select(value);
            case MmioRegisters.DRIVER_FEATURES -> writeDriverFeatures(value);
            case MmioRegisters.QUEUE_SEL -> queueSel = value;
            case MmioRegisters.QUEUE_NUM -> configureQueue(offset, value);
            case MmioRegisters.QUEUE_READY -> configureQueue(offset, value);
            case MmioRegisters.QUEUE_DESC_LOW, MmioRegisters.QUEUE_DESC_HIGH,
                 MmioRegisters.QUEUE_DRIVER_LOW, MmioRegisters.QUEUE_DRIVER_HIGH,
                 MmioRegisters.QUEUE_DEVICE_LOW, MmioRegisters.QUEUE_DEVICE_HIGH -> configureQueue(offset, value);
            case MmioRegisters.INTERRUPT_ACK -> interruptStatus.getAndUpdate(s -> s & ~value);
            case MmioRegisters.STATUS -> {
                return writeStatus(value);
            }
            case MmioRegisters.SHM_SEL -> { }
            default -> GUEST_LOG.warn("{}: the guest wrote 0x{} to read-only or unknown register 0x{}",
                    device.name(), Integer.toHexString(value), Integer.toHexString(offset));
        }
        return false;
    }

    /** Feature bits may be written only after DRIVER and before FEATURES_OK (3.1.1). */
    private void writeDriverFeatures(int value) {
        if ((status & DeviceStatus.DRIVER) == 0 || (status & DeviceStatus.FEATURES_OK) != 0 || resetPending.get()) {
            GUEST_LOG.warn("{}: the guest wrote driver features in status 0x{}; refused",
                    device.name(), Integer.toHexString(status));
            return;
        }
        driverFeatures.write(value);
    }

    /**
     * Queue registers may be written only between FEATURES_OK and DRIVER_OK, and a queue's size
     * and addresses only while it is not ready (4.2.3.2).
     */
    private void configureQueue(int offset, int value) {
        Queue queue = selectedQueue();
        boolean window = (status & DeviceStatus.FEATURES_OK) != 0 && (status & DeviceStatus.DRIVER_OK) == 0
                && !resetPending.get();
        if (queue == null || !window || (queue.isReady() && offset != MmioRegisters.QUEUE_READY)) {
            GUEST_LOG.warn("{}: the guest wrote queue register 0x{} (queue {}, status 0x{}{}); refused",
                    device.name(), Integer.toHexString(offset), queueSel, Integer.toHexString(status),
                    queue != null && queue.isReady() ? ", queue ready" : "");
            return;
        }
        QueueRegisters.write(queue, offset, value);
    }

    private Queue selectedQueue() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    /** Returns whether the write activated the device. */
    private boolean writeStatus(int value) {
        if (value == 0) {
            resetPending.set(true);
            return false;
        }
        if (resetPending.get()) {
            GUEST_LOG.warn("{}: the guest wrote status 0x{} before the reset it asked for completed; refused",
                    device.name(), Integer.toHexString(value));
            return false;
        }
        int before = status;
        StatusTransition.Result result = StatusTransition.apply(before, value, this::featuresAcceptable);
        if (result.refused()) {
            GUEST_LOG.warn("{}: {}; refused", device.name(), result.refusal());
            return false;
        }
        status = result.status();
        if (result.added(before, DeviceStatus.DRIVER_OK)) {
            activate();
            return true;
        }
        return false;
    }

    /** The driver's features must be offered ones and include VIRTIO_F_VERSION_1. */
    private boolean featuresAcceptable() {
        String refusal = driverFeatures.refusal(device.offeredFeatures());
        if (refusal != null) {
            GUEST_LOG.warn("{}: {}; FEATURES_OK refused", device.name(), refusal);
        }
        return refusal == null;
    }

    private void activate() {
        long features = driverFeatures.accepted();
        boolean eventIdx = VirtioFeatures.has(features, VirtioFeatures.VIRTIO_F_EVENT_IDX);
        boolean indirect = VirtioFeatures.has(features, VirtioFeatures.VIRTIO_RING_F_INDIRECT_DESC);
        for (Queue queue : queues) {
            queue.setFeatures(eventIdx, indirect);
        }
        device.activate(new Activation(memory, List.of(queues), features, signals));
        active = true;
    }

    private void notifyFromVcpu(int value) {
        if (value < 0 || value >= queues.length) {
            GUEST_LOG.warn("{}: the guest notified queue {}, the device has {}", device.name(), value, queues.length);
            return;
        }
        notifier.notify(value);
    }

    // ---- queue work, on the event-loop thread ----

    /**
     * Services queue {@code index} after its ioeventfd fired (or the notifier was called): lets an
     * active device process it. Spurious calls are harmless.
     */
    public void queueNotified(int index) {
        if (index < 0 || index >= queues.length) {
            throw new IllegalStateException("%s has no queue %d".formatted(device.name(), index));
        }
        work.lock();
        try {
            if (active && !resetPending.get()) {
                device.processQueue(index);
            }
        } finally {
            work.unlock();
        }
        completePendingReset();
    }

    /**
     * Completes a requested reset unless queue work is in progress; then the worker completes it
     * when it finishes. The flag is set before the tryLock and checked after the unlock, so one of
     * the two threads always sees the other.
     */
    private void completePendingReset() {
        while (resetPending.get() && work.tryLock()) {
            try {
                if (resetPending.get()) {
                    reset();
                }
            } finally {
                work.unlock();
            }
        }
    }

    /** Back to the power-on state. Caller holds the work lock, so no queue work runs. */
    private void reset() {
        synchronized (this) {
            active = false;
            device.reset();
            for (Queue queue : queues) {
                queue.reset();
            }
            status = 0;
            deviceFeaturesSel = 0;
            driverFeatures.reset();
            queueSel = 0;
            interruptStatus.set(0);
            resetPending.set(false);
        }
    }

    /** A queue broke: DEVICE_NEEDS_RESET, and a configuration change interrupt if the driver is up (2.1.2). */
    private void queueBroken(int index, QueueError error) {
        boolean driverOk;
        synchronized (this) {
            status |= DeviceStatus.DEVICE_NEEDS_RESET;
            driverOk = (status & DeviceStatus.DRIVER_OK) != 0;
        }
        if (driverOk) {
            raise(INT_CONFIG_CHANGE);
        }
    }

    private void raise(int bits) {
        interruptStatus.getAndUpdate(s -> s | bits);
        interrupt.trigger();
    }

    /** The device's view of its transport. */
    private final class Signals implements DeviceSignals {
        @Override
        public void usedBuffers() {
            raise(INT_USED_BUFFER);
        }

        @Override
        public void configChanged() {
            synchronized (MmioTransport.this) {
                configGeneration++;
            }
            raise(INT_CONFIG_CHANGE);
        }

        @Override
        public void requestService(int queueIndex) {
            notifier.notify(queueIndex);
        }
    }

    @Override
    public String toString() {
        return "MmioTransport[%s, status 0x%x, %s]".formatted(device.name(), status(), active ? "active" : "inactive");
    }
}
