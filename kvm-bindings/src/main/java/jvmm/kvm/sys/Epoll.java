package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * An epoll instance whose registrations carry a 64-bit user token (epoll_data.u64), so the
 * event loop maps a ready event straight to its handler without looking the fd up.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLL_CLOEXEC = 02000000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    private static final long EVENT_BYTES = LibcLayouts.EPOLL_EVENT.byteSize();
    private static final long EVENTS_OFFSET = LibcLayouts.EPOLL_EVENT.byteOffset(groupElement("events"));
    private static final long DATA_OFFSET = LibcLayouts.EPOLL_EVENT.byteOffset(groupElement("data"));

    private final Fd fd;

    private Epoll(Fd fd) {
        this.fd = fd;
    }

    /** epoll_create1(EPOLL_CLOEXEC). */
    public static Epoll create() throws ErrnoException {
        int fd = (int) Native.check(Native.syscall(SyscallNumbers.EPOLL_CREATE1, EPOLL_CLOEXEC), "epoll_create1");
        return new Epoll(Fd.adopt(fd, "epoll"));
    }

    /** Watches {@code target} for {@code events} (EPOLL* bits); ready events report {@code token}. */
    public void add(int target, int events, long token) throws ErrnoException {
        control(EPOLL_CTL_ADD, target, events, token);
    }

    /** Changes the events and token of a watched fd. */
    public void modify(int target, int events, long token) throws ErrnoException {
        control(EPOLL_CTL_MOD, target, events, token);
    }

    /** Stops watching {@code target}. */
    public void delete(int target) throws ErrnoException {
        control(EPOLL_CTL_DEL, target, 0, 0);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever, 0: poll) and fills {@code ready}.
     * Returns the number of ready events; 0 on timeout or when a signal interrupted the wait.
     */
    public int wait(Events ready, int timeoutMillis) throws ErrnoException {
        long result = Native.syscall(SyscallNumbers.EPOLL_WAIT, fd.get(), Native.address(ready.buffer), ready.capacity,
                timeoutMillis);
        Reference.reachabilityFence(ready);
        if (result == -1 && Native.lastErrno() == Errno.EINTR) {
            return 0;
        }
        return (int) Native.check(result, "epoll_wait");
    }

    /** The epoll descriptor (an epoll fd can itself be watched). */
    public int fd() {
        return fd.get();
    }

    @Override
    public void close() {
        fd.close();
    }

    private void control(int op, int target, int events, long token) throws ErrnoException {
        MemorySegment event = Native.scratch();
        event.set(JAVA_INT, EVENTS_OFFSET, events);
        event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, token);
        Native.check(Native.syscall(SyscallNumbers.EPOLL_CTL, fd.get(), op, target, Native.address(event)),
                "epoll_ctl " + op + " fd " + target);
    }

    /** A reusable buffer of epoll events, filled by {@link #wait}; one per event loop thread. */
    public static final class Events {
        private final MemorySegment buffer;
        private final int capacity;

        /** Room for {@code capacity} events at once. */
        public Events(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("capacity must be positive: " + capacity);
            }
            this.capacity = capacity;
            this.buffer = Arena.ofAuto().allocate(LibcLayouts.EPOLL_EVENT, capacity);
        }

        /** The token registered for ready event {@code i}. */
        public long token(int i) {
            return buffer.get(JAVA_LONG_UNALIGNED, offset(i) + DATA_OFFSET);
        }

        /** The EPOLL* bits that are ready for event {@code i}. */
        public int events(int i) {
            return buffer.get(JAVA_INT, offset(i) + EVENTS_OFFSET);
        }

        private long offset(int i) {
            return java.util.Objects.checkIndex(i, capacity) * EVENT_BYTES;
        }
    }
}
