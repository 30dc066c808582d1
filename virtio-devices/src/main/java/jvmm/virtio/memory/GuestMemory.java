package jvmm.virtio.memory;

import java.lang.foreign.MemorySegment;

/**
 * The consumer view of guest RAM that devices, loaders and the ring core use. Every access is
 * bounds-checked against the RAM regions; a range must lie inside one region. Multi-byte values are
 * little-endian (x86 and virtio 1.x). Out-of-range accesses throw {@link GuestMemoryException}.
 *
 * <p>The VMM's mmap'd RAM and the Arena-backed memory of tests are both a {@link SegmentGuestMemory}.
 */
public interface GuestMemory {

    /** Whether {@code [addr, addr + length)} lies inside one region of guest RAM. */
    boolean contains(GuestAddress addr, long length);

    byte readU8(GuestAddress addr);

    short readU16(GuestAddress addr);

    int readU32(GuestAddress addr);

    long readU64(GuestAddress addr);

    void writeU8(GuestAddress addr, byte value);

    void writeU16(GuestAddress addr, short value);

    void writeU32(GuestAddress addr, int value);

    void writeU64(GuestAddress addr, long value);

    /** A u16 load with acquire semantics (addr must be 2-byte aligned): later reads see what the writer published before it. */
    short loadAcquireU16(GuestAddress addr);

    /** A u16 store with release semantics (addr must be 2-byte aligned): earlier writes are visible before it. */
    void storeReleaseU16(GuestAddress addr, short value);

    /** Copies guest bytes at {@code addr} into {@code dst[off, off+len)}. */
    void read(GuestAddress addr, byte[] dst, int off, int len);

    /** Copies {@code src[off, off+len)} into guest memory at {@code addr}. */
    void write(GuestAddress addr, byte[] src, int off, int len);

    default void write(GuestAddress addr, byte[] src) {
        write(addr, src, 0, src.length);
    }

    /** Sets {@code [addr, addr+len)} to {@code value}. */
    void fill(GuestAddress addr, long len, byte value);

    /** The granule of {@link #discard}: x86-64 base pages, and the balloon's page frames. */
    long PAGE_SIZE = 4096;

    /**
     * Gives the host memory behind {@code [addr, addr+len)} back to the host (the balloon's inflated
     * pages, reported free pages): it leaves the VMM's RSS, and the guest reads zeros there when
     * it touches the range again. {@code addr} and {@code len} must be multiples of
     * {@link #PAGE_SIZE} and the range must lie inside one region, else a
     * {@link GuestMemoryException}.
     */
    void discard(GuestAddress addr, long len);

    /**
     * A bounds-checked view of {@code [addr, addr+len)} for zero-copy I/O (preadv/pwritev, readv/writev).
     * The range must lie inside one region.
     */
    MemorySegment slice(GuestAddress addr, long len);
}
