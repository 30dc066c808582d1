package jvmm.virtio.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Mapping;

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

    /*
     * The helpers below take the address as a primitive: the public methods unwrap the
     * GuestAddress once, so the JIT can drop the record allocation of callers that build one
     * just for the call (the ring core does that for every field it touches).
     */

    /** The segment holding {@code [a, a + length)}; pair with {@link #offsetOf}. */
    private MemorySegment segmentOf(long a, long length) {
        if (single && length >= 0 && fitsIn(a - firstBase, length, firstSize)) {
            return firstSegment;
        }
        int i = length < 0 ? -1 : regionIndex(a, length);
        if (i < 0) {
            throw outside(a, length);
        }
        return regions[i].segment();
    }

    /** Kept out of line so the hot path stays small enough to inline. */
    private static GuestMemoryException outside(long a, long length) {
        return new GuestMemoryException("guest range [0x%x, +0x%x) is not in guest RAM".formatted(a, length));
    }

    /**
     * The offset of {@code a} inside the segment that {@link #segmentOf} just returned for the
     * same range (so the range is known to be valid). Several regions repeat the search rather
     * than return a pair, which would allocate.
     */
    private long offsetOf(long a, long length) {
        if (single) {
            return a - firstBase;
        }
        return a - regions[regionIndex(a, length)].base().value();
    }

    @Override
    public byte readU8(GuestAddress addr) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 1);
        return s.get(U8, offsetOf(a, 1));
    }

    @Override
    public short readU16(GuestAddress addr) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 2);
        return s.get(U16, offsetOf(a, 2));
    }

    @Override
    public int readU32(GuestAddress addr) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 4);
        return s.get(U32, offsetOf(a, 4));
    }

    @Override
    public long readU64(GuestAddress addr) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 8);
        return s.get(U64, offsetOf(a, 8));
    }

    @Override
    public void writeU8(GuestAddress addr, byte value) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 1);
        s.set(U8, offsetOf(a, 1), value);
    }

    @Override
    public void writeU16(GuestAddress addr, short value) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 2);
        s.set(U16, offsetOf(a, 2), value);
    }

    @Override
    public void writeU32(GuestAddress addr, int value) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 4);
        s.set(U32, offsetOf(a, 4), value);
    }

    @Override
    public void writeU64(GuestAddress addr, long value) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, 8);
        s.set(U64, offsetOf(a, 8), value);
    }

    @Override
    public short loadAcquireU16(GuestAddress addr) {
        long a = addr.value();
        requireAligned(a, 2);
        MemorySegment s = segmentOf(a, 2);
        return (short) U16_ALIGNED.getAcquire(s, offsetOf(a, 2));
    }

    @Override
    public void storeReleaseU16(GuestAddress addr, short value) {
        long a = addr.value();
        requireAligned(a, 2);
        MemorySegment s = segmentOf(a, 2);
        U16_ALIGNED.setRelease(s, offsetOf(a, 2), value);
    }

    private static void requireAligned(long a, int alignment) {
        if ((a & (alignment - 1)) != 0) {
            throw misaligned(a, alignment);
        }
    }

    private static GuestMemoryException misaligned(long a, int alignment) {
        return new GuestMemoryException("misaligned %d-byte atomic access at 0x%x".formatted(alignment, a));
    }

    @Override
    public void read(GuestAddress addr, byte[] dst, int off, int len) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, len);
        MemorySegment.copy(s, U8, offsetOf(a, len), dst, off, len);
    }

    @Override
    public void write(GuestAddress addr, byte[] src, int off, int len) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, len);
        MemorySegment.copy(src, off, s, U8, offsetOf(a, len), len);
    }

    @Override
    public void fill(GuestAddress addr, long len, byte value) {
        slice(addr, len).fill(value);
    }

    /**
     * madvise(MADV_DONTNEED): private anonymous RAM (the VMM's mmap, or an Arena's page-aligned
     * allocation in tests) drops the pages and refaults them as zeros. A failure here means the
     * range was not page-aligned memory of ours, which the checks above rule out.
     */
    @Override
    public void discard(GuestAddress addr, long len) {
        if (!addr.isAligned(PAGE_SIZE) || (len & (PAGE_SIZE - 1)) != 0) {
            throw new GuestMemoryException("discard of [%s, +0x%x) is not page-aligned".formatted(addr, len));
        }
        if (len == 0) {
            return;
        }
        MemorySegment range = slice(addr, len);
        if ((range.address() & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalStateException("guest RAM at %s is not page-aligned in the host".formatted(addr));
        }
        try {
            Mapping.discard(range);
        } catch (ErrnoException e) {
            throw new IllegalStateException("discard of guest range [%s, +0x%x): %s".formatted(addr, len, e.getMessage()), e);
        }
    }

    @Override
    public MemorySegment slice(GuestAddress addr, long len) {
        long a = addr.value();
        MemorySegment s = segmentOf(a, len);
        return s.asSlice(offsetOf(a, len), len);
    }
}
