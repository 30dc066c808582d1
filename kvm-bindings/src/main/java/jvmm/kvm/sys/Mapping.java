package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A memory mapping (mmap) as a sized {@link MemorySegment}, unmapped by {@link #close()}.
 *
 * <p>The segment belongs to a shared arena whose cleanup is munmap: closing the mapping first
 * invalidates every view of the segment (any later access throws) and only then unmaps, so Java
 * code can never touch an address the kernel may already reuse.
 */
public final class Mapping implements AutoCloseable {

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MADV_NORMAL = 0;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_REMOVE = 9;
    public static final int MADV_DONTFORK = 10;
    public static final int MADV_MERGEABLE = 12;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    public static final int MADV_DONTDUMP = 16;

    /** The page size mincore reports in; x86-64 base pages. */
    private static final long PAGE_SIZE = 4096;

    private final Arena arena;
    private final MemorySegment segment;

    private Mapping(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Private anonymous read/write memory of {@code size} bytes, not charged against swap
     * (MAP_NORESERVE): guest RAM, of which the guest touches only part.
     */
    public static Mapping anonymous(long size) throws ErrnoException {
        return map(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    }

    /** A shared read/write mapping of {@code fd} (e.g. a vCPU's kvm_run area). */
    public static Mapping shared(int fd, long size, long offset) throws ErrnoException {
        return map(size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
    }

    /** mmap(2) with explicit protection and flags. */
    public static Mapping map(long size, int prot, int flags, int fd, long offset) throws ErrnoException {
        if (size <= 0) {
            throw new IllegalArgumentException("mapping size must be positive, not " + size);
        }
        long address = Native.check(Native.syscall(SyscallNumbers.MMAP, 0, size, prot, flags, fd, offset),
                "mmap " + size + " bytes");
        Arena arena = Arena.ofShared();
        return new Mapping(arena, Native.sized(MemorySegment.ofAddress(address), size, arena,
                mapped -> unmap(mapped, size)));
    }

    /** The mapped memory; invalid after {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** madvise(2) on {@code [offset, offset + length)} of this mapping. */
    public void advise(long offset, long length, int advice) throws ErrnoException {
        advise(segment.asSlice(offset, length), advice);
    }

    /** madvise(2) on all of {@code range}, a page-aligned part of some mapping. */
    public static void advise(MemorySegment range, int advice) throws ErrnoException {
        long result = Native.syscall(SyscallNumbers.MADVISE, Native.address(range), range.byteSize(), advice);
        Reference.reachabilityFence(range);
        Native.check(result, "madvise " + advice);
    }

    /**
     * Gives the pages of {@code range} (page-aligned, inside a private anonymous mapping) back to
     * the kernel with MADV_DONTNEED: they leave the process's RSS at once and read as zero when
     * next touched (a fresh zero page is faulted in).
     */
    public static void discard(MemorySegment range) throws ErrnoException {
        advise(range, MADV_DONTNEED);
    }

    /**
     * How many bytes of {@code range} (page-aligned) are resident in RAM now, by mincore(2): what
     * part of a mapping counts in the RSS.
     */
    public static long residentBytes(MemorySegment range) throws ErrnoException {
        long pages = (range.byteSize() + PAGE_SIZE - 1) / PAGE_SIZE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(Math.max(1, pages));
            long result = Native.syscall(SyscallNumbers.MINCORE, Native.address(range), range.byteSize(),
                    Native.address(vector));
            Reference.reachabilityFence(range);
            Native.check(result, "mincore");
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                if ((vector.get(JAVA_BYTE, i) & 1) != 0) {
                    resident++;
                }
            }
            return resident * PAGE_SIZE;
        }
    }

    /** Invalidates the segment, then munmaps it. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** munmap(2); a failure means our own bookkeeping is wrong, so it is logged loudly. */
    private static void unmap(MemorySegment mapped, long size) {
        // The arena is closing (this is its cleanup), so the address is taken without the
        // liveness check of Native.address.
        if (Native.syscall(SyscallNumbers.MUNMAP, mapped.address(), size) != 0) {
            // Looked up on failure only (see Fd.close).
            System.getLogger(Mapping.class.getName()).log(System.Logger.Level.ERROR,
                    "munmap of {0} bytes failed: {1}", size, Errno.name(Native.lastErrno()));
        }
    }
}
