package jvmm.virtio.device;

import jvmm.kvm.sys.ErrnoException;

/**
 * A virtio device as a transport sees it: an ops table in the manner of kvmtool, so a transport
 * (virtio-mmio today) never knows which device it carries, and a device never knows its transport.
 *
 * <p>Threads: {@link #readConfig}, {@link #writeConfig} and {@link #activate} run on vCPU threads
 * (activate under the transport's register lock) and must be quick, with no I/O. {@link #reset}
 * runs on a vCPU thread, or on the queue thread when the driver reset the device while queue
 * work was in progress. {@link #processQueue} runs on the queue thread (the VMM's event loop)
 * and does the I/O. The transport never runs {@link #processQueue} at the same time as
 * {@link #reset}, and calls it only between {@link #activate} and {@link #reset}.
 */
public interface VirtioDevice {

    /** The virtio device id, see {@link DeviceType}. */
    int deviceType();

    /** A short name for logs and queue names, e.g. "blk0". */
    String name();

    /** Every feature bit the device offers, VIRTIO_F_VERSION_1 included. */
    long offeredFeatures();

    /** How many virtqueues the device has. */
    int queueCount();

    /** The largest size the driver may give queue {@code index} (a power of two). */
    int queueMaxSize(int index);

    /**
     * Fills {@code data} (1, 2, 4 or 8 bytes, little-endian) from the device configuration space
     * at {@code offset}; bytes beyond the structure read as zero.
     */
    void readConfig(long offset, byte[] data);

    /** A driver write to the configuration space; fields that are not writable ignore it. */
    void writeConfig(long offset, byte[] data);

    /** The driver set DRIVER_OK: from now on {@link #processQueue} may be called. */
    void activate(Activation activation);

    /**
     * Handles the buffers the driver made available on queue {@code index}: the device pops
     * them, completes them and signals used buffers once per batch. Called after a
     * notification, possibly spurious; does nothing before activation.
     */
    void processQueue(int index);

    /** The driver reset the device: forget the activation, drop per-activation state. */
    void reset();

    /**
     * Called once by whoever runs the queue thread, before the guest starts: a device with host
     * file descriptors to wait on (a TAP) registers them with {@code watcher} and keeps the
     * {@link FdWatch}es. Most devices have none, hence the empty default.
     */
    default void connectHostFds(HostFdWatcher watcher) throws ErrnoException {
    }
}
