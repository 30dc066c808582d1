package jvmm.virtio.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Guest RAM as native memory segments, one per region. The VMM builds it from its mmap'd RAM;
 * tests build it from an {@link Arena} (never a heap array: heap segments can't do the aligned
 * acquire/release accesses that rings need).
 */
public final class SegmentGuestMemory implements GuestMemory {

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16_ALIGNED =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** One contiguous range of guest-physical addresses backed by {@code segment}. */
    public record Region(GuestAddress base, MemorySegment segment) {
        public Region {
            if (!segment.isNative()) {
                throw new IllegalArgumentException("guest memory must be native, not a heap segment");
            }
            base.checkedAdd(segment.byteSize()); // the region must not wrap the address space
        }

        long size() {
            return segment.byteSize();
        }
    }

    private final Region[] regions;

    public SegmentGuestMemory(List<Region> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("guest memory needs at least one region");
        }
        var sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparing(Region::base));
        for (int i = 1; i < sorted.size(); i++) {
            Region prev = sorted.get(i - 1);
            if (prev.base().checkedAdd(prev.size()).compareTo(sorted.get(i).base()) > 0) {
                throw new IllegalArgumentException("guest memory regions overlap at " + sorted.get(i).base());
            }
        }
        this.regions = sorted.toArray(Region[]::new);
    }

    /** A single region of {@code size} bytes at guest address 0, allocated (zeroed) in {@code arena}. */
    public static SegmentGuestMemory allocate(Arena arena, long size) {
        return new SegmentGuestMemory(List.of(new Region(GuestAddress.of(0), arena.allocate(size, 4096))));
    }

    public List<Region> regions() {
        return List.of(regions);
    }

    /** Total bytes of RAM over all regions. */
    public long totalSize() {
        long total = 0;
        for (Region r : regions) {
            total += r.size();
        }
        return total;
    }

    @Override
    public boolean contains(GuestAddress addr, long length) {
        return findRegion(addr, length) != null;
    }

    private Region findRegion(GuestAddress addr, long length) {
        if (length < 0) {
            return null;
        }
        long a = addr.value();
        for (Region r : regions) {
            long off = a - r.base().value();
            // Unsigned: off below the base wraps to a huge value and fails the bound.
            if (Long.compareUnsigned(off, r.size()) < 0 || (length == 0 && off == r.size())) {
                return Long.compareUnsigned(length, r.size() - off) <= 0 ? r : null;
            }
        }
        return null;
    }

    private long offsetIn(GuestAddress addr, long length, MemorySegment[] out) {
        Region r = findRegion(addr, length);
        if (r == null) {
            throw new GuestMemoryException("guest range [%s, +0x%x) is not in guest RAM".formatted(addr, length));
        }
        out[0] = r.segment();
        return addr.value() - r.base().value();
    }

    @Override
    public byte readU8(GuestAddress addr) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 1, s);
        return s[0].get(U8, off);
    }

    @Override
    public short readU16(GuestAddress addr) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 2, s);
        return s[0].get(U16, off);
    }

    @Override
    public int readU32(GuestAddress addr) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 4, s);
        return s[0].get(U32, off);
    }

    @Override
    public long readU64(GuestAddress addr) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 8, s);
        return s[0].get(U64, off);
    }

    @Override
    public void writeU8(GuestAddress addr, byte value) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 1, s);
        s[0].set(U8, off, value);
    }

    @Override
    public void writeU16(GuestAddress addr, short value) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 2, s);
        s[0].set(U16, off, value);
    }

    @Override
    public void writeU32(GuestAddress addr, int value) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 4, s);
        s[0].set(U32, off, value);
    }

    @Override
    public void writeU64(GuestAddress addr, long value) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 8, s);
        s[0].set(U64, off, value);
    }

    @Override
    public short loadAcquireU16(GuestAddress addr) {
        requireAligned(addr, 2);
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 2, s);
        return (short) U16_ALIGNED.getAcquire(s[0], off);
    }

    @Override
    public void storeReleaseU16(GuestAddress addr, short value) {
        requireAligned(addr, 2);
        var s = new MemorySegment[1];
        long off = offsetIn(addr, 2, s);
        U16_ALIGNED.setRelease(s[0], off, value);
    }

    private static void requireAligned(GuestAddress addr, int alignment) {
        if (!addr.isAligned(alignment)) {
            throw new GuestMemoryException("misaligned %d-byte atomic access at %s".formatted(alignment, addr));
        }
    }

    @Override
    public void read(GuestAddress addr, byte[] dst, int off, int len) {
        MemorySegment.copy(slice(addr, len), U8, 0, dst, off, len);
    }

    @Override
    public void write(GuestAddress addr, byte[] src, int off, int len) {
        MemorySegment.copy(src, off, slice(addr, len), U8, 0, len);
    }

    @Override
    public void fill(GuestAddress addr, long len, byte value) {
        slice(addr, len).fill(value);
    }

    @Override
    public MemorySegment slice(GuestAddress addr, long len) {
        var s = new MemorySegment[1];
        long off = offsetIn(addr, len, s);
        return s[0].asSlice(off, len);
    }
}
