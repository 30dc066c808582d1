package jvmm.kvm.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * ioctl(2) in its three shapes: no argument, an integer argument, a pointer argument.
 *
 * <p>ioctl is variadic in C ({@code int ioctl(int fd, unsigned long request, ...)}), so it is
 * linked with {@code firstVariadicArg(2)}, and the "no argument" form still passes a 0: some
 * requests (KVM_GET_API_VERSION, KVM_CREATE_VM) look at the third register and fail with EINVAL
 * on whatever a two-argument call happens to leave there.
 */
public final class Ioctl {
    private static final MethodHandle IOCTL_LONG = Native.linkWithErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_POINTER = Native.linkWithErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));

    private Ioctl() {
    }

    /** An ioctl without argument (a 0 is passed); returns the non-negative result. */
    public static int call(int fd, long request, String name) throws ErrnoException {
        return call(fd, request, 0L, name);
    }

    /** An ioctl whose argument is an integer passed by value. */
    public static int call(int fd, long request, long argument, String name) throws ErrnoException {
        int result;
        try {
            result = (int) IOCTL_LONG.invokeExact(Native.errnoState(), fd, request, argument);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return Native.check(result, name);
    }

    /** An ioctl whose argument points to {@code argument} (a native segment). */
    public static int call(int fd, long request, MemorySegment argument, String name) throws ErrnoException {
        int result;
        try {
            result = (int) IOCTL_POINTER.invokeExact(Native.errnoState(), fd, request, argument);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return Native.check(result, name);
    }

    /**
     * An ioctl without argument whose failure is returned, not thrown: for the hot KVM_RUN path,
     * where EINTR is an ordinary outcome. Returns the result, or {@code -errno}.
     */
    public static int callReturningErrno(int fd, long request) {
        int result;
        try {
            result = (int) IOCTL_LONG.invokeExact(Native.errnoState(), fd, request, 0L);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return result == -1 ? -Native.lastErrno() : result;
    }
}
