package jvmm.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * glibc x86_64 struct layouts the wrappers pass to libc. Member names follow the C names so the
 * golden test can compare each offset with what gcc computes (tools/layout-probe).
 */
public final class LibcLayouts {
    /**
     * {@code struct epoll_event { uint32_t events; epoll_data_t data; } __attribute__((packed))}:
     * packed on x86_64, so data sits at offset 4 and an event is 12 bytes.
     */
    public static final StructLayout EPOLL_EVENT = MemoryLayout.structLayout(
            JAVA_INT.withName("events"),
            JAVA_LONG_UNALIGNED.withName("data")).withName("epoll_event");

    /** {@code struct iovec { void *iov_base; size_t iov_len; }} */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    /** {@code struct pollfd { int fd; short events; short revents; }} */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")).withName("pollfd");

    /** {@code struct timespec { time_t tv_sec; long tv_nsec; }} */
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** {@code struct stat} of x86_64 glibc; only the members we read are named. */
    public static final StructLayout STAT = MemoryLayout.structLayout(
            MemoryLayout.paddingLayout(24),
            JAVA_INT.withName("st_mode"),
            MemoryLayout.paddingLayout(20),
            JAVA_LONG.withName("st_size"),
            MemoryLayout.paddingLayout(88)).withName("stat");

    /**
     * {@code struct termios { tcflag_t c_iflag, c_oflag, c_cflag, c_lflag; cc_t c_line;
     * cc_t c_cc[32]; speed_t c_ispeed, c_ospeed; }}
     */
    public static final StructLayout TERMIOS = MemoryLayout.structLayout(
            JAVA_INT.withName("c_iflag"),
            JAVA_INT.withName("c_oflag"),
            JAVA_INT.withName("c_cflag"),
            JAVA_INT.withName("c_lflag"),
            JAVA_BYTE.withName("c_line"),
            MemoryLayout.sequenceLayout(32, JAVA_BYTE).withName("c_cc"),
            MemoryLayout.paddingLayout(3),
            JAVA_INT.withName("c_ispeed"),
            JAVA_INT.withName("c_ospeed")).withName("termios");

    /** glibc's {@code sigset_t}: 1024 bits, of which the kernel uses the first 64. */
    public static final StructLayout SIGSET_T = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("__val")).withName("sigset_t");

    /** {@code siginfo_t}: 128 bytes, {@code si_signo} first. */
    public static final StructLayout SIGINFO_T = MemoryLayout.structLayout(
            JAVA_INT.withName("si_signo"),
            MemoryLayout.paddingLayout(124)).withName("siginfo_t");

    /**
     * {@code struct ifreq} of linux/if.h as TUNSETIFF uses it: {@code char ifr_name[IFNAMSIZ]}
     * then a union whose member {@code short ifr_flags} we set; the union is 24 bytes (a
     * {@code struct ifmap}), 40 in all.
     */
    public static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("ifr_name"),
            JAVA_SHORT.withName("ifr_flags"),
            MemoryLayout.paddingLayout(22)).withName("ifreq");

    /** The layouts above by their C name, for the golden test. */
    public static final Map<String, StructLayout> BY_C_NAME = Map.of(
            "epoll_event", EPOLL_EVENT, "iovec", IOVEC, "pollfd", POLLFD, "timespec", TIMESPEC,
            "stat", STAT, "termios", TERMIOS, "sigset_t", SIGSET_T, "siginfo_t", SIGINFO_T, "ifreq", IFREQ);

    private LibcLayouts() {
    }
}
