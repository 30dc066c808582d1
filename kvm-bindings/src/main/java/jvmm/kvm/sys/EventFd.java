package jvmm.kvm.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An eventfd: a 64-bit counter in the kernel, the currency between KVM and the VMM. KVM
 * signals an ioeventfd when the guest kicks a queue, and injects an interrupt when the VMM
 * signals an irqfd.
 *
 * <p>{@link #signal()} adds 1 without a buffer (glibc's eventfd_write takes the value itself),
 * so raising an interrupt allocates nothing.
 */
public final class EventFd implements AutoCloseable {
    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_CLOEXEC = 02000000;

    private static final MethodHandle EVENTFD = Native.linkWithErrno("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD_WRITE = Native.linkWithErrno("eventfd_write",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle EVENTFD_READ = Native.linkWithErrno("eventfd_read",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

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
        int result;
        try {
            result = (int) EVENTFD.invokeExact(Native.errnoState(), 0, flags);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return new EventFd(Fd.adopt(Native.check(result, "eventfd"), "eventfd"));
    }

    /** Adds 1 to the counter, waking whoever polls the fd. */
    public void signal() throws ErrnoException {
        add(1);
    }

    /** Adds {@code value} to the counter. */
    public void add(long value) throws ErrnoException {
        int result;
        try {
            result = (int) EVENTFD_WRITE.invokeExact(Native.errnoState(), fd.get(), value);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        Native.check(result, "eventfd_write");
    }

    /**
     * Reads and resets the counter; 0 when it was already 0 (non-blocking eventfd). A blocking
     * eventfd waits for a signal instead.
     */
    public long drain() throws ErrnoException {
        MemorySegment counter = Native.scratch();
        int result;
        try {
            result = (int) EVENTFD_READ.invokeExact(Native.errnoState(), fd.get(), counter);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (result == -1 && Native.lastErrno() == Errno.EAGAIN) {
            return 0;
        }
        Native.check(result, "eventfd_read");
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
