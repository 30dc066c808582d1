package jvmm.kvm.sys;

/**
 * The x86-64 numbers of the system calls the VMM makes through {@link Native#syscall}, as the
 * kernel assigns them (arch/x86/entry/syscalls/syscall_64.tbl, {@code <asm/unistd_64.h>}). They
 * are ABI: fixed forever on x86-64, which is the only architecture this VMM runs guests on.
 */
final class SyscallNumbers {
    static final long READ = 0;
    static final long WRITE = 1;
    static final long CLOSE = 3;
    static final long FSTAT = 5;
    static final long POLL = 7;
    static final long LSEEK = 8;
    static final long MMAP = 9;
    static final long MUNMAP = 11;
    static final long RT_SIGPROCMASK = 14;
    static final long IOCTL = 16;
    static final long PREAD64 = 17;
    static final long PWRITE64 = 18;
    static final long READV = 19;
    static final long WRITEV = 20;
    static final long MINCORE = 27;
    static final long MADVISE = 28;
    static final long GETPID = 39;
    static final long SOCKET = 41;
    static final long CONNECT = 42;
    static final long SENDTO = 44;
    static final long SHUTDOWN = 48;
    static final long BIND = 49;
    static final long LISTEN = 50;
    static final long SOCKETPAIR = 53;
    static final long FDATASYNC = 75;
    static final long FTRUNCATE = 77;
    static final long RT_SIGPENDING = 127;
    static final long RT_SIGTIMEDWAIT = 128;
    static final long GETTID = 186;
    static final long EPOLL_WAIT = 232;
    static final long EPOLL_CTL = 233;
    static final long TGKILL = 234;
    static final long OPENAT = 257;
    static final long TIMERFD_CREATE = 283;
    static final long FALLOCATE = 285;
    static final long TIMERFD_SETTIME = 286;
    static final long ACCEPT4 = 288;
    static final long EVENTFD2 = 290;
    static final long EPOLL_CREATE1 = 291;
    static final long PREADV = 295;
    static final long PWRITEV = 296;

    /** openat's "relative to the working directory". */
    static final long AT_FDCWD = -100;

    /** The kernel's sigset size for the rt_sig* calls: 64 signals, 8 bytes (glibc's sigset_t is 128). */
    static final long KERNEL_SIGSET_BYTES = 8;

    private SyscallNumbers() {
    }
}
