package jvmm.kvm.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A periodic timer as a file descriptor (timerfd on CLOCK_MONOTONIC): it becomes readable each
 * time the interval passes, so an epoll event loop runs periodic work (a balloon's statistics
 * poll) with the rest of its events, without a thread of its own.
 */
public final class TimerFd implements AutoCloseable {
    public static final int CLOCK_MONOTONIC = 1;
    public static final int TFD_NONBLOCK = 04000;
    public static final int TFD_CLOEXEC = 02000000;

    private static final long TIMESPEC_BYTES = LibcLayouts.TIMESPEC.byteSize();
    private static final long TV_SEC = LibcLayouts.TIMESPEC.byteOffset(groupElement("tv_sec"));
    private static final long TV_NSEC = LibcLayouts.TIMESPEC.byteOffset(groupElement("tv_nsec"));
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Fd fd;

    private TimerFd(Fd fd) {
        this.fd = fd;
    }

    /** A disarmed, non-blocking, close-on-exec timer on the monotonic clock. */
    public static TimerFd create() throws ErrnoException {
        int fd = (int) Native.check(Native.syscall(SyscallNumbers.TIMERFD_CREATE, CLOCK_MONOTONIC,
                TFD_NONBLOCK | TFD_CLOEXEC), "timerfd_create");
        return new TimerFd(Fd.adopt(fd, "timerfd"));
    }

    /**
     * Fires every {@code intervalNanos}, the first time one interval from now; 0 disarms it.
     * {@code struct itimerspec} is two {@code struct timespec}: it_interval, then it_value.
     */
    public void setInterval(long intervalNanos) throws ErrnoException {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("timer interval must not be negative: " + intervalNanos);
        }
        MemorySegment spec = Native.scratch().asSlice(0, 2 * TIMESPEC_BYTES);
        for (long at = 0; at < spec.byteSize(); at += TIMESPEC_BYTES) {
            spec.set(JAVA_LONG, at + TV_SEC, intervalNanos / NANOS_PER_SECOND);
            spec.set(JAVA_LONG, at + TV_NSEC, intervalNanos % NANOS_PER_SECOND);
        }
        Native.check(Native.syscall(SyscallNumbers.TIMERFD_SETTIME, fd.get(), 0, Native.address(spec), 0),
                "timerfd_settime");
    }

    /** The number of expirations since the last call (0 if none: the fd is non-blocking). */
    public long drain() throws ErrnoException {
        MemorySegment count = Native.scratch().asSlice(0, 8);
        long read;
        try {
            read = Libc.read(fd.get(), count);
        } catch (ErrnoException e) {
            if (e.is(Errno.EAGAIN)) {
                return 0;
            }
            throw e;
        }
        if (read != 8) {
            throw new IllegalStateException("timerfd read returned " + read + " bytes, not 8");
        }
        return count.get(JAVA_LONG, 0);
    }

    /** The descriptor number, for epoll. */
    public int fd() {
        return fd.get();
    }

    @Override
    public void close() {
        fd.close();
    }
}
