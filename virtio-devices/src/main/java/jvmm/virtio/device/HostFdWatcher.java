package jvmm.virtio.device;

import jvmm.kvm.sys.ErrnoException;

/**
 * The hook through which a device hears about its host file descriptors (a TAP) on the queue
 * thread. The VMM's event loop implements it with epoll; tests with poll.
 *
 * <p>A readable fd does not call the device directly: it services queue {@code queue} of the
 * device, exactly as a kick of that queue does (the transport's {@code queueNotified}, so
 * {@link VirtioDevice#processQueue} runs under the transport's work lock, never at the same
 * time as a reset, and not at all while the device is inactive). The device decides when an
 * fd is worth watching: a receive path stops watching while the guest has no buffers (the
 * host-side queue then fills up and the sender slows down, nothing is dropped) and watches again
 * when a kick brings buffers.
 */
@FunctionalInterface
public interface HostFdWatcher {

    /**
     * Registers {@code fd}, not watched yet. The fd stays owned by the device and must stay open
     * while the watcher runs.
     */
    FdWatch register(int fd, int queue) throws ErrnoException;
}
