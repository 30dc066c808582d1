package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.Optional;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
 *
 * <p>System calls all go through one handle, libc's {@code syscall(3)} ({@link #syscall}):
 * the JDK builds a downcall stub and a chain of generated classes for each distinct C
 * signature it links, ~9 ms each on a real CPU and far more under the KVM sandbox's emulated
 * one, all before the first KVM_RUN; one signature costs that once. Only what the kernel has no
 * call for (real-time signal numbers, terminal attributes, pseudo-terminals, error texts) is
 * linked by name. Pointers go to {@code syscall} as addresses ({@link #address}), so a wrapper
 * keeps each segment it passes reachable until the call returns
 * ({@link Reference#reachabilityFence}), and its caller keeps the segment's arena open for the
 * call, as every caller here does (guest RAM, a thread's scratch, a device's buffers outlive
 * the calls on them).
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

    /** {@code long syscall(long number, ...)} with six arguments, unused ones 0. */
    private static final MethodHandle SYSCALL = linkWithErrno("syscall", FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

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

    /**
     * System call {@code number} ({@link SyscallNumbers}) with six arguments; returns the
     * kernel's result, or -1 with the errno captured ({@link #lastErrno}).
     */
    static long syscall(long number, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SYSCALL.invokeExact(errnoState(), number, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@link #syscall(long, long, long, long, long, long, long)} with one argument. */
    static long syscall(long number, long a) {
        return syscall(number, a, 0, 0, 0, 0, 0);
    }

    /** {@link #syscall(long, long, long, long, long, long, long)} with two arguments. */
    static long syscall(long number, long a, long b) {
        return syscall(number, a, b, 0, 0, 0, 0);
    }

    /** {@link #syscall(long, long, long, long, long, long, long)} with three arguments. */
    static long syscall(long number, long a, long b, long c) {
        return syscall(number, a, b, c, 0, 0, 0);
    }

    /** {@link #syscall(long, long, long, long, long, long, long)} with four arguments. */
    static long syscall(long number, long a, long b, long c, long d) {
        return syscall(number, a, b, c, d, 0, 0);
    }

    /**
     * The address of {@code segment} for a system call: native memory whose arena is still open
     * (what the JDK checks when it passes a segment itself). {@link MemorySegment#NULL} is 0.
     */
    static long address(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a heap segment can't go to the kernel; it needs native memory");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the segment's arena is closed");
        }
        return segment.address();
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
