package jvmm.vmm.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jvmm.kvm.sys.Epoll;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.EventFd;
import jvmm.kvm.sys.TimerFd;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.device.FdWatch;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The VMM's one device thread: epoll over ioeventfds (queue kicks), other eventfds, timerfds and
 * file descriptors, each with a handler that runs on this thread. Device work happens here, never on
 * a vCPU thread. A handler that throws is logged (rate-limited) and the loop goes on.
 */
public final class EventLoop implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(EventLoop.class);
    private static final long STOP_TOKEN = 0;

    private final Epoll epoll;
    private final EventFd stop;
    private final Map<Long, Runnable> handlers = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(STOP_TOKEN + 1);
    private final RateLimitedLog failures = new RateLimitedLog(LOG, 10_000_000_000L, 10);
    private volatile boolean stopping;
    private Thread thread;

    public EventLoop() throws ErrnoException {
        epoll = Epoll.create();
        stop = EventFd.create(EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        epoll.add(stop.fd(), Epoll.EPOLLIN, STOP_TOKEN);
    }

    /** Calls {@code handler} on the loop thread whenever {@code fd} is readable. */
    public void addReadable(int fd, Runnable handler) throws ErrnoException {
        long token = nextToken.getAndIncrement();
        handlers.put(token, handler);
        epoll.add(fd, Epoll.EPOLLIN, token);
    }

    /**
     * Registers {@code fd} without watching it yet: the returned {@link FdWatch} adds it to the
     * epoll set (readable: {@code handler} runs on the loop thread, level-triggered) and removes
     * it again. Removed rather than masked, so an unwatched fd reports not even EPOLLERR/EPOLLHUP.
     * This serves devices' host fds ({@link jvmm.virtio.device.HostFdWatcher}).
     */
    public FdWatch addWatchable(int fd, Runnable handler) {
        long token = nextToken.getAndIncrement();
        handlers.put(token, handler);
        return new FdWatch() {
            private boolean watched;

            @Override
            public synchronized void setWatched(boolean on) {
                if (on == watched) {
                    return;
                }
                try {
                    if (on) {
                        epoll.add(fd, Epoll.EPOLLIN, token);
                    } else {
                        epoll.delete(fd);
                    }
                } catch (ErrnoException e) {
                    throw new IllegalStateException("epoll: %s fd %d: %s".formatted(on ? "watching" : "unwatching", fd,
                            e.getMessage()), e);
                }
                watched = on;
            }
        };
    }

    /** Drains {@code efd} and calls {@code handler}, on the loop thread, each time it is signalled. */
    public void addEventFd(EventFd efd, Runnable handler) throws ErrnoException {
        addReadable(efd.fd(), () -> {
            try {
                efd.drain();
            } catch (ErrnoException e) {
                // EAGAIN: another wake-up already drained it; the handler runs anyway
            }
            handler.run();
        });
    }

    /**
     * Calls {@code handler} on the loop thread each time {@code timer} fires (once per wake-up,
     * however many intervals passed): the hook for periodic device work, such as the balloon's
     * statistics poll. The caller arms the timer and owns it.
     */
    public void addTimer(TimerFd timer, Runnable handler) throws ErrnoException {
        addReadable(timer.fd(), () -> {
            try {
                timer.drain();
            } catch (ErrnoException e) {
                failures.warn("timer fd {}: {}", timer.fd(), e.getMessage());
            }
            handler.run();
        });
    }

    public void start() {
        thread = Thread.ofPlatform().name("event-loop").daemon().start(this::loop);
    }

    private void loop() {
        Epoll.Events ready = new Epoll.Events(64);
        while (!stopping) {
            int n;
            try {
                n = epoll.wait(ready, -1);
            } catch (ErrnoException e) {
                LOG.error("event loop: epoll_wait failed: {}", e.getMessage());
                return;
            }
            for (int i = 0; i < n && !stopping; i++) {
                long token = ready.token(i);
                if (token == STOP_TOKEN) {
                    return;
                }
                Runnable h = handlers.get(token);
                if (h == null) {
                    continue;
                }
                try {
                    h.run();
                } catch (RuntimeException e) {
                    failures.warn("event handler failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            stop.signal();
        } catch (ErrnoException e) {
            LOG.debug("event loop stop: {}", e.getMessage());
        }
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop.close();
        epoll.close();
    }
}
