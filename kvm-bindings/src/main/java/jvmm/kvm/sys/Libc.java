package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * File descriptor I/O of libc: open/close, plain, positional and vectored reads and writes,
 * fdatasync, fallocate, ftruncate and the size of a file.
 *
 * <p>Buffers are {@link MemorySegment}s that must be native (guest RAM, an arena allocation):
 * the kernel copies straight between the file and that memory, with no Java heap copy. The
 * vectored calls take one segment per iovec entry, which is how a virtio descriptor chain
 * becomes a single preadv/pwritev. Results are raw: a short read or write is returned as is and
 * the caller decides whether to continue.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECT = 040000;
    public static final int O_CLOEXEC = 02000000;

    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;

    /** ioctl: bytes ready to read (for a datagram socket: the size of the next datagram). */
    public static final long FIONREAD = 0x541B;

    /** Most iovec entries one call may take (IOV_MAX on Linux). */
    public static final int IOV_MAX = 1024;

    private static final int SEEK_END = 2;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final long IOVEC_BYTES = LibcLayouts.IOVEC.byteSize();
    private static final long ST_MODE = LibcLayouts.STAT.byteOffset(groupElement("st_mode"));
    private static final long ST_SIZE = LibcLayouts.STAT.byteOffset(groupElement("st_size"));

    private Libc() {
    }

    /** open(2) (openat relative to the working directory); {@code mode} matters only with O_CREAT. */
    public static Fd open(String path, int flags, int mode) throws ErrnoException {
        long fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            fd = Native.syscall(SyscallNumbers.OPENAT, SyscallNumbers.AT_FDCWD, Native.address(cPath), flags, mode);
        }
        return Fd.adopt((int) Native.check(fd, "open " + path), path);
    }

    /** close(2) of a raw descriptor; prefer {@link Fd#close()}. */
    static void close(int fd) throws ErrnoException {
        Native.check(Native.syscall(SyscallNumbers.CLOSE, fd), "close");
    }

    /** read(2) into all of {@code buffer}; returns the bytes read, 0 at end of file. */
    public static long read(int fd, MemorySegment buffer) throws ErrnoException {
        return transfer(SyscallNumbers.READ, "read", fd, buffer, 0);
    }

    /** write(2) of all of {@code buffer}; returns the bytes written. */
    public static long write(int fd, MemorySegment buffer) throws ErrnoException {
        return transfer(SyscallNumbers.WRITE, "write", fd, buffer, 0);
    }

    /** pread(2) at {@code offset}; the file position does not move. */
    public static long pread(int fd, MemorySegment buffer, long offset) throws ErrnoException {
        return transfer(SyscallNumbers.PREAD64, "pread", fd, buffer, checkOffset(offset));
    }

    /** pwrite(2) at {@code offset}; the file position does not move. */
    public static long pwrite(int fd, MemorySegment buffer, long offset) throws ErrnoException {
        return transfer(SyscallNumbers.PWRITE64, "pwrite", fd, buffer, checkOffset(offset));
    }

    /**
     * read, write, pread or pwrite: {@code (fd, buffer, length, offset) -> ssize_t}; the first two
     * ignore {@code offset}.
     */
    private static long transfer(long call, String name, int fd, MemorySegment buffer, long offset)
            throws ErrnoException {
        long result = Native.syscall(call, fd, Native.address(buffer), buffer.byteSize(), offset);
        Reference.reachabilityFence(buffer);
        return Native.check(result, name);
    }

    /** readv(2): fills the buffers in order from the file position. */
    public static long readv(int fd, MemorySegment... buffers) throws ErrnoException {
        return vectored(SyscallNumbers.READV, "readv", fd, buffers, 0);
    }

    /** writev(2): writes the buffers in order at the file position. */
    public static long writev(int fd, MemorySegment... buffers) throws ErrnoException {
        return vectored(SyscallNumbers.WRITEV, "writev", fd, buffers, 0);
    }

    /**
     * readv(2) into entries {@code [first, first + count)} of {@code iov}, for a non-blocking
     * {@code fd} read until it is empty: "nothing to read" (EAGAIN) returns -1 instead of
     * throwing, since it ends every batch and an exception each time costs more than the read.
     */
    public static long readv(int fd, Iovecs iov, int first, int count) throws ErrnoException {
        if (count <= 0 || count > IOV_MAX) {
            throw new IllegalArgumentException("readv takes 1.." + IOV_MAX + " buffers, not " + count);
        }
        long result = Native.syscall(SyscallNumbers.READV, fd, Native.address(iov.run(first, count)), count);
        Reference.reachabilityFence(iov);
        if (result == -1 && Native.lastErrno() == Errno.EAGAIN) {
            return -1;
        }
        return Native.check(result, "readv");
    }

    /** preadv(2): fills the buffers in order from {@code offset}. */
    public static long preadv(int fd, long offset, MemorySegment... buffers) throws ErrnoException {
        return vectored(SyscallNumbers.PREADV, "preadv", fd, buffers, checkOffset(offset));
    }

    /** pwritev(2): writes the buffers in order at {@code offset}. */
    public static long pwritev(int fd, long offset, MemorySegment... buffers) throws ErrnoException {
        return vectored(SyscallNumbers.PWRITEV, "pwritev", fd, buffers, checkOffset(offset));
    }

    /** fdatasync(2): the data (not every metadata change) reaches stable storage. */
    public static void fdatasync(int fd) throws ErrnoException {
        Native.check(Native.syscall(SyscallNumbers.FDATASYNC, fd), "fdatasync");
    }

    /**
     * fallocate(2) with FALLOC_FL_* {@code mode}: e.g. {@code PUNCH_HOLE | KEEP_SIZE} for a
     * discard, {@code ZERO_RANGE} for write-zeroes. EOPNOTSUPP when the file system can't.
     */
    public static void fallocate(int fd, int mode, long offset, long length) throws ErrnoException {
        Native.check(Native.syscall(SyscallNumbers.FALLOCATE, fd, mode, offset, length), "fallocate");
    }

    /** ftruncate(2). */
    public static void ftruncate(int fd, long length) throws ErrnoException {
        Native.check(Native.syscall(SyscallNumbers.FTRUNCATE, fd, length), "ftruncate");
    }

    /**
     * Size in bytes of a regular file or a block device (st_size is 0 for block devices, so
     * those are measured by seeking to their end).
     */
    public static long size(int fd) throws ErrnoException {
        MemorySegment stat = Native.scratch();
        Native.check(Native.syscall(SyscallNumbers.FSTAT, fd, Native.address(stat)), "fstat");
        int mode = stat.get(JAVA_INT, ST_MODE);
        if ((mode & S_IFMT) != S_IFBLK) {
            return stat.get(JAVA_LONG, ST_SIZE);
        }
        return Native.check(Native.syscall(SyscallNumbers.LSEEK, fd, 0, SEEK_END), "lseek SEEK_END");
    }

    /**
     * socketpair(2): two connected sockets of {@code type} (e.g. {@code SOCK_DGRAM | SOCK_NONBLOCK
     * | SOCK_CLOEXEC}) in {@code domain} (AF_UNIX), both owned by the caller.
     */
    public static Fd[] socketpair(int domain, int type) throws ErrnoException {
        MemorySegment fds = Native.scratch();
        Native.check(Native.syscall(SyscallNumbers.SOCKETPAIR, domain, type, 0, Native.address(fds)), "socketpair");
        int first = fds.get(JAVA_INT, 0);
        int second = fds.get(JAVA_INT, 4);
        return new Fd[] {Fd.adopt(first, "socketpair end 0"), Fd.adopt(second, "socketpair end 1")};
    }

    /**
     * ioctl FIONREAD: bytes waiting to be read; on a datagram socket the size of the next
     * datagram (0 also when none is queued).
     */
    public static int readableBytes(int fd) throws ErrnoException {
        MemorySegment count = Native.scratch();
        count.set(JAVA_INT, 0, 0);
        Ioctl.call(fd, FIONREAD, count, "ioctl FIONREAD");
        return count.get(JAVA_INT, 0);
    }

    private static long checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative file offset " + offset);
        }
        return offset;
    }

    /**
     * Builds the iovec array (in the thread's scratch buffer when it fits, so the hot path of a
     * block request allocates nothing) and makes the call; {@code offset} is ignored by readv and
     * writev (the kernel's preadv and pwritev take it as its low and high halves: on x86-64 the
     * low half is all of it and the high one 0).
     */
    private static long vectored(long call, String name, int fd, MemorySegment[] buffers, long offset)
            throws ErrnoException {
        if (buffers.length == 0 || buffers.length > IOV_MAX) {
            throw new IllegalArgumentException(name + " takes 1.." + IOV_MAX + " buffers, not " + buffers.length);
        }
        long bytes = buffers.length * IOVEC_BYTES;
        long result;
        try (Arena arena = bytes > Native.SCRATCH_BYTES ? Arena.ofConfined() : null) {
            MemorySegment iov = arena == null ? Native.scratch() : arena.allocate(bytes, 8);
            fillIovecs(iov, buffers);
            result = Native.syscall(call, fd, Native.address(iov), buffers.length, offset);
        }
        Reference.reachabilityFence(buffers);
        return Native.check(result, name);
    }

    private static void fillIovecs(MemorySegment iov, MemorySegment[] buffers) {
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment buffer = buffers[i];
            if (!buffer.isNative()) {
                throw new IllegalArgumentException("iovec " + i + " is a heap segment; the kernel needs native memory");
            }
            iov.set(ADDRESS, i * IOVEC_BYTES, buffer);
            iov.set(JAVA_LONG, i * IOVEC_BYTES + 8, buffer.byteSize());
        }
    }
}
