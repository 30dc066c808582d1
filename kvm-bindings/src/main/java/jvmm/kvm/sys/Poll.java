package jvmm.kvm.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** poll(2) on one descriptor: for waits that don't deserve an epoll set (a console, a test). */
public final class Poll {
    public static final short POLLIN = 0x001;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;

    private static final long FD = LibcLayouts.POLLFD.byteOffset(groupElement("fd"));
    private static final long EVENTS = LibcLayouts.POLLFD.byteOffset(groupElement("events"));
    private static final long REVENTS = LibcLayouts.POLLFD.byteOffset(groupElement("revents"));
    private Poll() {
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever) for {@code events} on {@code fd}. Returns
     * the ready POLL* bits, 0 on timeout or when a signal interrupted the wait.
     */
    public static short poll(int fd, short events, int timeoutMillis) throws ErrnoException {
        MemorySegment pollfd = Native.scratch();
        pollfd.set(JAVA_INT, FD, fd);
        pollfd.set(JAVA_SHORT, EVENTS, events);
        pollfd.set(JAVA_SHORT, REVENTS, (short) 0);
        long result = Native.syscall(SyscallNumbers.POLL, Native.address(pollfd), 1, timeoutMillis);
        if (result == -1 && Native.lastErrno() == Errno.EINTR) {
            return 0;
        }
        Native.check(result, "poll");
        return result == 0 ? 0 : pollfd.get(JAVA_SHORT, REVENTS);
    }
}
