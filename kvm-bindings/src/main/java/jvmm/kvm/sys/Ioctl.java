package jvmm.kvm.sys;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * ioctl(2) in its three shapes: no argument, an integer argument, a pointer argument.
 *
 * <p>The "no argument" form still passes a 0: some requests (KVM_GET_API_VERSION,
 * KVM_CREATE_VM) look at the third argument and fail with EINVAL on anything else.
 */
public final class Ioctl {
    private Ioctl() {
    }

    /** An ioctl without argument (a 0 is passed); returns the non-negative result. */
    public static int call(int fd, long request, String name) throws ErrnoException {
        return call(fd, request, 0L, name);
    }

    /** An ioctl whose argument is an integer passed by value. */
    public static int call(int fd, long request, long argument, String name) throws ErrnoException {
        return (int) Native.check(Native.syscall(SyscallNumbers.IOCTL, fd, request, argument), name);
    }

    /** An ioctl whose argument points to {@code argument} (a native segment). */
    public static int call(int fd, long request, MemorySegment argument, String name) throws ErrnoException {
        long result = Native.syscall(SyscallNumbers.IOCTL, fd, request, Native.address(argument));
        Reference.reachabilityFence(argument);
        return (int) Native.check(result, name);
    }

    /**
     * An ioctl without argument whose failure is returned, not thrown: for the hot KVM_RUN path,
     * where EINTR is an ordinary outcome. Returns the result, or {@code -errno}.
     */
    public static int callReturningErrno(int fd, long request) {
        long result = Native.syscall(SyscallNumbers.IOCTL, fd, request, 0);
        return result == -1 ? -Native.lastErrno() : (int) result;
    }
}
