package jvmm.kvm.sys;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An owned file descriptor, closed exactly once.
 *
 * <p>{@link #get()} after {@link #close()} throws instead of handing out a number the kernel may
 * already have given to another open file: using a recycled fd number would read or write
 * somebody else's file. {@code close} does not throw a checked exception so that it fits
 * try-with-resources and teardown paths; on Linux the descriptor is released even when close
 * reports an error, so a failure is only logged.
 */
public final class Fd implements AutoCloseable {
    private static final int CLOSED = -1;

    private final AtomicInteger fd;
    private final String what;

    private Fd(int fd, String what) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        this.fd = new AtomicInteger(fd);
        this.what = what;
    }

    /** Takes ownership of {@code fd}; {@code what} names it in messages (e.g. "/dev/kvm"). */
    public static Fd adopt(int fd, String what) {
        return new Fd(fd, what);
    }

    /** The descriptor number; throws if it was closed. */
    public int get() {
        int value = fd.get();
        if (value == CLOSED) {
            throw new IllegalStateException("file descriptor of " + what + " used after close");
        }
        return value;
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return fd.get() == CLOSED;
    }

    /** What this descriptor refers to. */
    public String what() {
        return what;
    }

    @Override
    public void close() {
        int value = fd.getAndSet(CLOSED);
        if (value == CLOSED) {
            return;
        }
        try {
            Libc.close(value);
        } catch (ErrnoException e) {
            if (e.is(Errno.EBADF)) {
                throw new IllegalStateException("closing " + what + " (fd " + value + ") that was not open", e);
            }
            // The logger is looked up here, not held in a static field: the JDK's first
            // System.getLogger searches the class path for a logger service, which is ~10% of a
            // VMM's start-up on a real CPU and nothing a close that works needs.
            System.getLogger(Fd.class.getName())
                    .log(System.Logger.Level.WARNING, "closing {0} (fd {1}): {2}", what, value, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return what + " (fd " + fd.get() + ")";
    }
}
