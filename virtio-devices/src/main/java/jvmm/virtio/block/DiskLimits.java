package jvmm.virtio.block;

/**
 * What the request parser checks requests against: the disk's size in sectors, whether it is
 * read-only, and the discard / write-zeroes limits the device advertises in its config space.
 */
public record DiskLimits(long capacitySectors, boolean readOnly, int maxDiscardSectors, int maxDiscardSegments,
                         int maxWriteZeroesSectors, int maxWriteZeroesSegments) {

    /** 2 GiB per range and 32 ranges per request: large enough for Linux, small per request. */
    public static final int DEFAULT_MAX_RANGE_SECTORS = 1 << 22;
    public static final int DEFAULT_MAX_RANGES = 32;

    public DiskLimits {
        if (capacitySectors < 0 || maxDiscardSectors <= 0 || maxDiscardSegments <= 0
                || maxWriteZeroesSectors <= 0 || maxWriteZeroesSegments <= 0) {
            throw new IllegalArgumentException("invalid disk limits");
        }
    }

    /** The default limits for a disk of {@code capacitySectors}. */
    public static DiskLimits of(long capacitySectors, boolean readOnly) {
        return new DiskLimits(capacitySectors, readOnly, DEFAULT_MAX_RANGE_SECTORS, DEFAULT_MAX_RANGES,
                DEFAULT_MAX_RANGE_SECTORS, DEFAULT_MAX_RANGES);
    }

    /** Whether sectors {@code [sector, sector + count)} lie on the disk (overflow-safe). */
    public boolean contains(long sector, long count) {
        return sector >= 0 && count >= 0 && sector <= capacitySectors && count <= capacitySectors - sector;
    }
}
