package jvmm.kvm.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Thread-directed signals without a Java signal handler: the pieces that stop a vCPU blocked in
 * KVM_RUN.
 *
 * <p>The recipe: the vCPU thread {@linkplain #blockOnThisThread blocks} a real-time signal in
 * its normal mask and gives KVM_SET_SIGNAL_MASK a mask without it ({@link #threadMask()} minus
 * the signal). Whoever wants the vCPU back calls {@link #tgkill}: KVM_RUN sees the pending
 * signal and returns EINTR, the thread's normal mask is back in force so the signal is never
 * delivered (no handler runs, the default "terminate" action never happens), and the vCPU
 * thread {@linkplain #consumePending consumes} it with a zero-timeout sigtimedwait.
 *
 * <p>Masks are the kernel's 64-bit form: bit {@code n - 1} stands for signal {@code n}.
 */
public final class Signals {
    public static final int SIG_BLOCK = 0;
    public static final int SIG_UNBLOCK = 1;
    public static final int SIG_SETMASK = 2;

    private static final long SIGSET_BYTES = LibcLayouts.SIGSET_T.byteSize();
    private static final long TIMESPEC_BYTES = LibcLayouts.TIMESPEC.byteSize();
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final MethodHandle SIGRTMIN = Native.link("__libc_current_sigrtmin",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SIGRTMAX = Native.link("__libc_current_sigrtmax",
            FunctionDescriptor.of(JAVA_INT));

    private Signals() {
    }

    /**
     * Real-time signal {@code SIGRTMIN + n} as glibc numbers it (glibc keeps the first two
     * kernel real-time signals for itself). Throws when it is past SIGRTMAX.
     */
    public static int realtime(int n) {
        int min = invokeInt(SIGRTMIN);
        int max = invokeInt(SIGRTMAX);
        if (n < 0 || min + n > max) {
            throw new IllegalArgumentException("SIGRTMIN+" + n + " is past SIGRTMAX (" + max + ")");
        }
        return min + n;
    }

    /** The kernel mask bit of {@code signal}. */
    public static long bit(int signal) {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("no such signal: " + signal);
        }
        return 1L << (signal - 1);
    }

    /** Blocks {@code signal} for the calling thread only. */
    public static void blockOnThisThread(int signal) throws ErrnoException {
        changeMask(SIG_BLOCK, bit(signal), "rt_sigprocmask SIG_BLOCK " + signal);
    }

    /** Unblocks {@code signal} for the calling thread only. */
    public static void unblockOnThisThread(int signal) throws ErrnoException {
        changeMask(SIG_UNBLOCK, bit(signal), "rt_sigprocmask SIG_UNBLOCK " + signal);
    }

    /** The calling thread's blocked-signal mask. */
    public static long threadMask() throws ErrnoException {
        return changeMask(SIG_BLOCK, 0, "rt_sigprocmask query");
    }

    /** Signals pending for this thread or the process that this thread blocks. */
    public static long pending() throws ErrnoException {
        MemorySegment set = Native.scratch().asSlice(0, SIGSET_BYTES);
        set.fill((byte) 0);
        Native.check(Native.syscall(SyscallNumbers.RT_SIGPENDING, Native.address(set),
                SyscallNumbers.KERNEL_SIGSET_BYTES), "sigpending");
        return set.get(JAVA_LONG, 0);
    }

    /** Takes {@code signal} if it is pending, without waiting; returns whether it was. */
    public static boolean consumePending(int signal) throws ErrnoException {
        return await(signal, 0);
    }

    /**
     * Waits up to {@code timeoutNanos} for {@code signal} (which the thread must block) and
     * takes it; returns false on timeout.
     */
    public static boolean await(int signal, long timeoutNanos) throws ErrnoException {
        MemorySegment scratch = Native.scratch();
        MemorySegment set = writeSet(scratch, bit(signal));
        MemorySegment timeout = scratch.asSlice(SIGSET_BYTES, TIMESPEC_BYTES);
        timeout.set(JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
        timeout.set(JAVA_LONG, 8, timeoutNanos % NANOS_PER_SECOND);
        long result = Native.syscall(SyscallNumbers.RT_SIGTIMEDWAIT, Native.address(set), 0, Native.address(timeout),
                SyscallNumbers.KERNEL_SIGSET_BYTES);
        if (result == -1 && (Native.lastErrno() == Errno.EAGAIN || Native.lastErrno() == Errno.EINTR)) {
            return false;
        }
        return Native.check(result, "sigtimedwait " + signal) == signal;
    }

    /** Sends {@code signal} to thread {@code tid} of process {@code pid}. */
    public static void tgkill(int pid, int tid, int signal) throws ErrnoException {
        Native.check(Native.syscall(SyscallNumbers.TGKILL, pid, tid, signal), "tgkill " + tid + " " + signal);
    }

    /** getpid(2). */
    public static int getpid() {
        return (int) Native.syscall(SyscallNumbers.GETPID, 0);
    }

    /** gettid(2): the kernel id of the calling thread, the target of {@link #tgkill}. */
    public static int gettid() {
        return (int) Native.syscall(SyscallNumbers.GETTID, 0);
    }

    /**
     * The calling thread's mask by rt_sigprocmask(how, bits, &old), what pthread_sigmask does
     * (less its refusal to block glibc's two internal signals, which nothing here asks for);
     * returns the old mask.
     */
    private static long changeMask(int how, long bits, String operation) throws ErrnoException {
        MemorySegment scratch = Native.scratch();
        MemorySegment set = writeSet(scratch, bits);
        MemorySegment old = scratch.asSlice(SIGSET_BYTES, SIGSET_BYTES);
        Native.check(Native.syscall(SyscallNumbers.RT_SIGPROCMASK, how, Native.address(set), Native.address(old),
                SyscallNumbers.KERNEL_SIGSET_BYTES), operation);
        return old.get(JAVA_LONG, 0);
    }

    /** A glibc sigset_t at the start of {@code scratch} holding the kernel bits {@code bits}. */
    private static MemorySegment writeSet(MemorySegment scratch, long bits) {
        MemorySegment set = scratch.asSlice(0, SIGSET_BYTES);
        set.fill((byte) 0);
        set.set(JAVA_LONG, 0, bits);
        return set;
    }

    private static int invokeInt(MethodHandle handle) {
        try {
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
