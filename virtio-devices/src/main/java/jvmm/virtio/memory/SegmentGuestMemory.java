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
    /*
     * Fast path: almost every VM has one RAM region (tests always do). Lookups on it are a single
     * unsigned compare against these final fields, with no array walk and no allocation, because
     * the ring core does several of them per descriptor.
     */
    private final MemorySegment firstSegment;
    private final long firstBase;
    private final long firstSize;
    private final boolean single;

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
        this.firstSegment = this.regions[0].segment();
        this.firstBase = this.regions[0].base().value();
        this.firstSize = this.regions[0].size();
        this.single = this.regions.length == 1;
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
        if (length < 0) {
            return false;
        }
        if (single) {
            return fitsIn(addr.value() - firstBase, length, firstSize);
        }
        return regionIndex(addr.value(), length) >= 0;
    }

    /**
     * Whether {@code [off, off + length)} fits in {@code [0, size)}, all unsigned: an address below
     * the region's base wraps {@code off} to a huge value and fails. An empty range may sit at the
     * very end of a region.
     */
    private static boolean fitsIn(long off, long length, long size) {
        return Long.compareUnsigned(off, size) <= 0 && Long.compareUnsigned(length, size - off) <= 0;
    }

    /** The index of the region holding {@code [a, a + length)}, or -1. */
    private int regionIndex(long a, long length) {
        for (int i = 0; i < regions.length; i++) {
            Region r = regions[i];
            if (fitsIn(a - r.base().value(), length, r.size())) {
                return i;
            }
        }
        return -1;
    }

    /** The segment holding {@code [addr, addr + length)}; pair with {@link #offsetOf}. */
    private MemorySegment segmentOf(GuestAddress addr, long length) {
        if (single && length >= 0 && fitsIn(addr.value() - firstBase, length, firstSize)) {
            return firstSegment;
        }
        int i = length < 0 ? -1 : regionIndex(addr.value(), length);
        if (i < 0) {
            throw new GuestMemoryException("guest range [%s, +0x%x) is not in guest RAM".formatted(addr, length));
        }
        return regions[i].segment();
    }

    /**
     * The offset of {@code addr} inside the segment that {@link #segmentOf} just returned for the
     * same range (so the range is known to be valid). Several regions repeat the search rather
     * than return a pair, which would allocate.
     */
    private long offsetOf(GuestAddress addr, long length) {
        if (single) {
            return addr.value() - firstBase;
        }
        return addr.value() - regions[regionIndex(addr.value(), length)].base().value();
    }

    @Override
    public byte readU8(GuestAddress addr) {
        MemorySegment s = segmentOf(addr, 1);
        return s.get(U8, offsetOf(addr, 1));
    }

    @Override
    public short readU16(GuestAddress addr) {
        MemorySegment s = segmentOf(addr, 2);
        return s.get(U16, offsetOf(addr, 2));
    }

    @Override
    public int readU32(GuestAddress addr) {
        MemorySegment s = segmentOf(addr, 4);
        return s.get(U32, offsetOf(addr, 4));
    }

    @Override
    public long readU64(GuestAddress addr) {
        MemorySegment s = segmentOf(addr, 8);
        return s.get(U64, offsetOf(addr, 8));
    }

    @Override
    public void writeU8(GuestAddress addr, byte value) {
        MemorySegment s = segmentOf(addr, 1);
        s.set(U8, offsetOf(addr, 1), value);
    }

    @Override
    public void writeU16(GuestAddress addr, short value) {
        MemorySegment s = segmentOf(addr, 2);
        s.set(U16, offsetOf(addr, 2), value);
    }

    @Override
    public void writeU32(GuestAddress addr, int value) {
        MemorySegment s = segmentOf(addr, 4);
        s.set(U32, offsetOf(addr, 4), value);
    }

    @Override
    public void writeU64(GuestAddress addr, long value) {
        MemorySegment s = segmentOf(addr, 8);
        s.set(U64, offsetOf(addr, 8), value);
    }

    @Override
    public short loadAcquireU16(GuestAddress addr) {
        requireAligned(addr, 2);
        MemorySegment s = segmentOf(addr, 2);
        return (short) U16_ALIGNED.getAcquire(s, offsetOf(addr, 2));
    }

    @Override
    public void storeReleaseU16(GuestAddress addr, short value) {
        requireAligned(addr, 2);
        MemorySegment s = segmentOf(addr, 2);
        U16_ALIGNED.setRelease(s, offsetOf(addr, 2), value);
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
        MemorySegment s = segmentOf(addr, len);
        return s.asSlice(offsetOf(addr, len), len);
    }
}
