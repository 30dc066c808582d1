package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The one place that links libc functions and turns raw addresses into sized segments.
 *
 * <p>Every downcall that can fail is linked with {@code captureCallState("errno")}: the JVM
 * itself calls libc between our call and any Java code reading {@code errno}, so the only
 * reliable errno is the one the linker copies out right after the call. The capture segment is
 * per thread (a {@link ThreadLocal}), so two threads failing at once never read each other's
 * errno, and no call allocates. Each thread also gets a small scratch buffer for out-parameters
 * (an eventfd counter, a {@code struct stat}, a short iovec array) that is only used within one
 * wrapper call.
 */
final class Native {
    /** Bytes of per-thread scratch: enough for a struct stat or 64 iovecs. */
    static final long SCRATCH_BYTES = 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Per-thread call state: the errno capture area followed by the scratch buffer. */
    private record ThreadState(MemorySegment errno, MemorySegment scratch) {
        static ThreadState allocate() {
            // Scratch first: it holds 8-byte aligned structs; the errno area only needs 4.
            MemorySegment all = Arena.ofAuto().allocate(SCRATCH_BYTES + CAPTURE_LAYOUT.byteSize(), 16);
            MemorySegment errno = all.asSlice(SCRATCH_BYTES, CAPTURE_LAYOUT.byteSize());
            return new ThreadState(errno, all.asSlice(0, SCRATCH_BYTES));
        }
    }

    private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::allocate);

    private Native() {
    }

    /**
     * Links {@code name} with errno capture: the handle takes the capture segment
     * ({@link #errnoState()}) as its first argument, then the C arguments.
     */
    @SuppressWarnings("restricted")
    static MethodHandle linkWithErrno(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    /** Links a function that cannot fail or reports failure in its return value. */
    @SuppressWarnings("restricted")
    static MethodHandle link(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    /** Links an optional function (a newer glibc extension); empty when libc lacks it. */
    @SuppressWarnings("restricted")
    static Optional<MethodHandle> linkOptional(String name, FunctionDescriptor descriptor) {
        return LIBC.find(name).map(address -> LINKER.downcallHandle(address, descriptor));
    }

    /**
     * Gives a raw address returned by C (mmap) a size, a lifetime and a cleanup action that runs
     * when {@code arena} closes.
     */
    @SuppressWarnings("restricted")
    static MemorySegment sized(MemorySegment address, long size, Arena arena, Consumer<MemorySegment> cleanup) {
        return address.reinterpret(size, arena, cleanup);
    }

    /** Gives a C string pointer (from strerrordesc_np, ptsname) a readable extent. */
    @SuppressWarnings("restricted")
    static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.reinterpret(4096).getString(0);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
    }

    /** This thread's errno capture segment, passed as the first argument of errno-capturing handles. */
    static MemorySegment errnoState() {
        return STATE.get().errno();
    }

    /** This thread's scratch buffer; valid only until the next wrapper call on this thread. */
    static MemorySegment scratch() {
        return STATE.get().scratch();
    }

    /** The errno captured by this thread's most recent errno-capturing downcall. */
    static int lastErrno() {
        return (int) ERRNO.get(errnoState(), 0L);
    }

    /** Returns {@code result}, or throws the captured errno when it is -1. */
    static int check(int result, String operation) throws ErrnoException {
        if (result == -1) {
            throw new ErrnoException(operation, lastErrno());
        }
        return result;
    }

    /** Returns {@code result}, or throws the captured errno when it is -1. */
    static long check(long result, String operation) throws ErrnoException {
        if (result == -1) {
            throw new ErrnoException(operation, lastErrno());
        }
        return result;
    }

    /**
     * Calls an errno-capturing {@code int f(int fd)} (close, fdatasync, grantpt, ...) and
     * throws on -1.
     */
    static int callOnFd(MethodHandle intOfFd, int fd, String operation) throws ErrnoException {
        int result;
        try {
            result = (int) intOfFd.invokeExact(errnoState(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return check(result, operation);
    }

    /**
     * Wraps what {@code invokeExact} declares: a downcall cannot throw checked exceptions, so
     * anything here is a linkage or type mistake of ours.
     */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall failed unexpectedly", t);
    }
}
