package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Terminal control for the serial console: put stdin in raw mode so the guest sees every key
 * (Ctrl-C included) and restore it on the way out, plus pseudo-terminals for tests and for a
 * console that is not the user's terminal.
 */
public final class Terminal {
    public static final int TCSANOW = 0;
    public static final int TCSADRAIN = 1;
    public static final int TCSAFLUSH = 2;
    /** Local-mode bit that enables line editing ({@code c_lflag}). */
    public static final int ICANON = 0000002;
    /** Local-mode bit that echoes input ({@code c_lflag}). */
    public static final int ECHO = 0000010;

    private static final long LFLAG = LibcLayouts.TERMIOS.byteOffset(groupElement("c_lflag"));
    private static final int PATH_MAX = 4096;

    /** ioctl: the terminal's attributes in the kernel's struct termios (what isatty(3) asks). */
    private static final long TCGETS = 0x5401;

    /*
     * Linked on first use, not with the class: few runs put a terminal into raw mode, only tests
     * open a pseudo-terminal, and each downcall handle costs a few dozen generated classes (see
     * Native).
     */
    private static final class RawModeCalls {
        static final MethodHandle TCGETATTR = Native.linkWithErrno("tcgetattr",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle TCSETATTR = Native.linkWithErrno("tcsetattr",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle CFMAKERAW = Native.link("cfmakeraw",
                FunctionDescriptor.ofVoid(ADDRESS));
    }

    private static final class PtyCalls {
        static final MethodHandle POSIX_OPENPT = Native.linkWithErrno("posix_openpt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle GRANTPT = Native.linkWithErrno("grantpt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle UNLOCKPT = Native.linkWithErrno("unlockpt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle PTSNAME_R = Native.link("ptsname_r",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private Terminal() {
    }

    /**
     * Whether {@code fd} is a terminal: whether it answers TCGETS, as glibc's isatty decides (the
     * kernel's struct termios is 36 bytes, well within the scratch buffer).
     */
    public static boolean isatty(int fd) {
        return Native.syscall(SyscallNumbers.IOCTL, fd, TCGETS, Native.address(Native.scratch())) == 0;
    }

    /**
     * Switches {@code fd} to raw mode (cfmakeraw) and returns the previous settings; closing the
     * result restores them.
     */
    public static Saved makeRaw(int fd) throws ErrnoException {
        Saved saved = new Saved(fd, attributes(fd));
        MemorySegment raw = Arena.ofAuto().allocate(LibcLayouts.TERMIOS);
        raw.copyFrom(saved.attributes);
        try {
            RawModeCalls.CFMAKERAW.invokeExact(raw);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        apply(fd, raw, TCSANOW);
        return saved;
    }

    /** The {@code c_lflag} word of {@code fd}'s settings (ICANON, ECHO, ...). */
    public static int localFlags(int fd) throws ErrnoException {
        return attributes(fd).get(JAVA_INT, LFLAG);
    }

    /** Opens a pseudo-terminal pair: the master side and the slave side (a terminal). */
    public static Pty openPty() throws ErrnoException {
        int master;
        try {
            master = (int) PtyCalls.POSIX_OPENPT.invokeExact(Native.errnoState(), Libc.O_RDWR | Libc.O_NOCTTY);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        Fd masterFd = Fd.adopt(Native.check(master, "posix_openpt"), "pty master");
        try {
            Native.callOnFd(PtyCalls.GRANTPT, masterFd.get(), "grantpt");
            Native.callOnFd(PtyCalls.UNLOCKPT, masterFd.get(), "unlockpt");
            Fd slave = Libc.open(slaveName(masterFd.get()), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            return new Pty(masterFd, slave);
        } catch (ErrnoException | RuntimeException e) {
            masterFd.close();
            throw e;
        }
    }

    private static MemorySegment attributes(int fd) throws ErrnoException {
        MemorySegment termios = Arena.ofAuto().allocate(LibcLayouts.TERMIOS);
        int result;
        try {
            result = (int) RawModeCalls.TCGETATTR.invokeExact(Native.errnoState(), fd, termios);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        Native.check(result, "tcgetattr");
        return termios;
    }

    private static void apply(int fd, MemorySegment termios, int when) throws ErrnoException {
        int result;
        try {
            result = (int) RawModeCalls.TCSETATTR.invokeExact(Native.errnoState(), fd, when, termios);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        Native.check(result, "tcsetattr");
    }

    private static String slaveName(int master) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(PATH_MAX);
            int error = (int) PtyCalls.PTSNAME_R.invokeExact(master, name, (long) PATH_MAX);
            if (error != 0) {
                throw new ErrnoException("ptsname_r", error);
            }
            return name.getString(0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Terminal settings saved by {@link #makeRaw}; {@link #close()} puts them back. */
    public static final class Saved implements AutoCloseable {
        private final int fd;
        private final MemorySegment attributes;

        private Saved(int fd, MemorySegment attributes) {
            this.fd = fd;
            this.attributes = attributes;
        }

        /** Restores the saved settings once output has drained. */
        public void restore() throws ErrnoException {
            apply(fd, attributes, TCSADRAIN);
        }

        @Override
        public void close() throws ErrnoException {
            restore();
        }
    }

    /** A pseudo-terminal pair; closing it closes both sides. */
    public record Pty(Fd master, Fd slave) implements AutoCloseable {
        @Override
        public void close() {
            slave.close();
            master.close();
        }
    }
}
