package jvmm.kvm.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An eventfd: a 64-bit counter in the kernel, the currency between KVM and the VMM. KVM
 * signals an ioeventfd when the guest kicks a queue, and injects an interrupt when the VMM
 * signals an irqfd.
 *
 * <p>{@link #signal()} writes the 8-byte counter increment from the thread's scratch buffer, so
 * raising an interrupt allocates nothing.
 */
public final class EventFd implements AutoCloseable {
    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_CLOEXEC = 02000000;

    /** An eventfd reads and writes its counter as 8 bytes. */
    private static final long COUNTER_BYTES = 8;

    private final Fd fd;

    private EventFd(Fd fd) {
        this.fd = fd;
    }

    /** A non-blocking, close-on-exec eventfd with counter 0. */
    public static EventFd create() throws ErrnoException {
        return create(EFD_NONBLOCK | EFD_CLOEXEC);
    }

    /** eventfd(2) with the given EFD_* flags. */
    public static EventFd create(int flags) throws ErrnoException {
        int fd = (int) Native.check(Native.syscall(SyscallNumbers.EVENTFD2, 0, flags), "eventfd");
        return new EventFd(Fd.adopt(fd, "eventfd"));
    }

    /** Adds 1 to the counter, waking whoever polls the fd. */
    public void signal() throws ErrnoException {
        add(1);
    }

    /** Adds {@code value} to the counter. */
    public void add(long value) throws ErrnoException {
        MemorySegment counter = Native.scratch();
        counter.set(JAVA_LONG, 0, value);
        Native.check(Native.syscall(SyscallNumbers.WRITE, fd.get(), Native.address(counter), COUNTER_BYTES),
                "eventfd write");
    }

    /**
     * Reads and resets the counter; 0 when it was already 0 (non-blocking eventfd). A blocking
     * eventfd waits for a signal instead.
     */
    public long drain() throws ErrnoException {
        MemorySegment counter = Native.scratch();
        long result = Native.syscall(SyscallNumbers.READ, fd.get(), Native.address(counter), COUNTER_BYTES);
        if (result == -1 && Native.lastErrno() == Errno.EAGAIN) {
            return 0;
        }
        Native.check(result, "eventfd read");
        return counter.get(JAVA_LONG, 0);
    }

    /** The descriptor number, for KVM_IRQFD / KVM_IOEVENTFD / epoll. */
    public int fd() {
        return fd.get();
    }

    @Override
    public void close() {
        fd.close();
    }
}
