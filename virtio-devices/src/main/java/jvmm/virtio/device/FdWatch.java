package jvmm.virtio.device;

/**
 * Switches the readability watch of one registered host fd (see {@link HostFdWatcher}) on or
 * off. Level-triggered: while watched and readable, its queue keeps being serviced, so a device
 * must either read the fd until it would block or stop watching it. Idempotent, thread-safe,
 * never blocks.
 */
@FunctionalInterface
public interface FdWatch {

    void setWatched(boolean watched);
}
