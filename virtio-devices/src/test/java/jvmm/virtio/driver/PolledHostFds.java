package jvmm.virtio.driver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Poll;
import jvmm.virtio.device.FdWatch;
import jvmm.virtio.device.HostFdWatcher;

/**
 * The event loop's host-fd hook for tests: registrations are kept with their watch state, and
 * {@link #poll()} does one round of what the VMM's epoll loop does, with poll(2) on the real fds.
 */
public final class PolledHostFds implements HostFdWatcher {

    private record Registration(int fd, int queue, AtomicBoolean watched) {
    }

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final IntConsumer service;

    /** {@code service} services a queue on the calling thread (the transport's queueNotified). */
    public PolledHostFds(IntConsumer service) {
        this.service = service;
    }

    @Override
    public FdWatch register(int fd, int queue) {
        var registration = new Registration(fd, queue, new AtomicBoolean());
        registrations.add(registration);
        return registration.watched()::set;
    }

    /** Whether the device currently wants readability of {@code fd}. */
    public boolean isWatched(int fd) {
        return registrations.stream().anyMatch(r -> r.fd() == fd && r.watched().get());
    }

    /** Services the queue of every watched fd that is readable now; returns how many were. */
    public int poll() throws ErrnoException {
        int serviced = 0;
        for (Registration r : registrations) {
            if (r.watched().get() && (Poll.poll(r.fd(), Poll.POLLIN, 0) & Poll.POLLIN) != 0) {
                service.accept(r.queue());
                serviced++;
            }
        }
        return serviced;
    }
}
