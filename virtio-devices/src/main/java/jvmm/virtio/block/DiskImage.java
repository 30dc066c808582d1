package jvmm.virtio.block;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Fd;
import jvmm.kvm.sys.Libc;

/**
 * A raw disk image file (or block device) that data moves to and from with preadv/pwritev,
 * straight between the file and guest memory: the segments handed in are views of guest RAM and
 * no Java buffer sits in between. Short transfers are continued; EINTR is retried; a transfer
 * that makes no progress (the file shrank under us) fails with EIO.
 *
 * <p>Used by one thread at a time (the block device's queue thread).
 */
public final class DiskImage implements AutoCloseable {

    /** Zeros for write-zeroes when the file system cannot zero a range by itself. */
    private static final long ZERO_CHUNK = 1 << 20;

    private final Fd fd;
    private final Path path;
    private final boolean readOnly;
    private final long sizeBytes;
    private Arena zeroArena;
    private MemorySegment zeros;

    private DiskImage(Fd fd, Path path, boolean readOnly, long sizeBytes) {
        this.fd = fd;
        this.path = path;
        this.readOnly = readOnly;
        this.sizeBytes = sizeBytes;
    }

    /** Opens {@code path} read-write, or read-only when {@code readOnly}. */
    public static DiskImage open(Path path, boolean readOnly) throws ErrnoException {
        int flags = (readOnly ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_CLOEXEC;
        Fd fd = Libc.open(path.toString(), flags, 0);
        try {
            return new DiskImage(fd, path, readOnly, Libc.size(fd.get()));
        } catch (ErrnoException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** Whole 512-byte sectors; a partial last sector is not exposed to the guest. */
    public long capacitySectors() {
        return sizeBytes >>> VirtioBlk.SECTOR_SHIFT;
    }

    /** Fills {@code buffers} in order from the file at {@code offset}. */
    public void read(long offset, MemorySegment[] buffers) throws ErrnoException {
        transfer(false, offset, buffers);
    }

    /** Writes {@code buffers} in order to the file at {@code offset}. */
    public void write(long offset, MemorySegment[] buffers) throws ErrnoException {
        transfer(true, offset, buffers);
    }

    /** fdatasync: everything written so far is on stable storage when this returns. */
    public void flush() throws ErrnoException {
        Libc.fdatasync(fd.get());
    }

    /**
     * Deallocates {@code [offset, offset + length)} if the file system can (a hole punch); a
     * discard is only a hint, so a file system that cannot do it is not an error.
     */
    public void discard(long offset, long length) throws ErrnoException {
        fallocateIfSupported(Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
    }

    /**
     * Makes {@code [offset, offset + length)} read as zeros: a zero-range, else (if {@code unmap}
     * allows deallocating) a hole punch, else writing zeros.
     */
    public void writeZeroes(long offset, long length, boolean unmap) throws ErrnoException {
        if (fallocateIfSupported(Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE, offset, length)) {
            return;
        }
        if (unmap && fallocateIfSupported(Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length)) {
            return;
        }
        writeZeroBytes(offset, length);
    }

    /** fallocate; returns false (instead of failing) when the file system does not support {@code mode}. */
    private boolean fallocateIfSupported(int mode, long offset, long length) throws ErrnoException {
        try {
            Libc.fallocate(fd.get(), mode, offset, length);
            return true;
        } catch (ErrnoException e) {
            if (e.is(Errno.EOPNOTSUPP)) {
                return false;
            }
            throw e;
        }
    }

    private void writeZeroBytes(long offset, long length) throws ErrnoException {
        if (zeros == null) {
            zeroArena = Arena.ofShared();
            zeros = zeroArena.allocate(ZERO_CHUNK, 4096);
        }
        while (length > 0) {
            long step = Math.min(length, ZERO_CHUNK);
            transfer(true, offset, new MemorySegment[] {zeros.asSlice(0, step)});
            offset += step;
            length -= step;
        }
    }

    /**
     * preadv/pwritev in batches of at most IOV_MAX buffers, continuing after short transfers.
     * {@code buffers} is consumed (entries are replaced by their unfinished tails).
     */
    private void transfer(boolean write, long offset, MemorySegment[] buffers) throws ErrnoException {
        int first = 0;
        long position = offset;
        while (true) {
            while (first < buffers.length && buffers[first].byteSize() == 0) {
                first++;
            }
            if (first == buffers.length) {
                return;
            }
            MemorySegment[] batch = Arrays.copyOfRange(buffers, first, Math.min(buffers.length, first + Libc.IOV_MAX));
            long done;
            try {
                done = write ? Libc.pwritev(fd.get(), position, batch) : Libc.preadv(fd.get(), position, batch);
            } catch (ErrnoException e) {
                if (e.is(Errno.EINTR)) {
                    continue;
                }
                throw e;
            }
            if (done <= 0) {
                throw new ErrnoException((write ? "pwritev " : "preadv ") + path + " at " + position
                        + " made no progress", Errno.EIO);
            }
            position += done;
            while (done > 0) {
                long size = buffers[first].byteSize();
                if (done >= size) {
                    done -= size;
                    first++;
                } else {
                    buffers[first] = buffers[first].asSlice(done);
                    done = 0;
                }
            }
        }
    }

    @Override
    public void close() {
        fd.close();
        if (zeroArena != null) {
            zeroArena.close();
        }
    }

    @Override
    public String toString() {
        return "DiskImage[%s, %d bytes%s]".formatted(path, sizeBytes, readOnly ? ", read-only" : "");
    }
}
