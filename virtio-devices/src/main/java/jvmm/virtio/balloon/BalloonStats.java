package jvmm.virtio.balloon;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The guest's memory statistics as its last stats buffer gave them (virtio 1.2, 5.5.6.3): values
 * by tag, in the order the guest sent them, and when they arrived. Tags this class has no name
 * for (newer guests define more) are kept by number.
 *
 * @param receivedNanos {@link System#nanoTime()} when the device read the buffer
 * @param values each tag's value; the guest's units (bytes for memory sizes, counts otherwise)
 */
public record BalloonStats(long receivedNanos, Map<Integer, Long> values) {

    public static final int SWAP_IN = 0;
    public static final int SWAP_OUT = 1;
    public static final int MAJOR_FAULTS = 2;
    public static final int MINOR_FAULTS = 3;
    public static final int FREE_MEMORY = 4;
    public static final int TOTAL_MEMORY = 5;
    public static final int AVAILABLE_MEMORY = 6;
    public static final int DISK_CACHES = 7;
    public static final int HUGETLB_ALLOCATIONS = 8;
    public static final int HUGETLB_FAILURES = 9;

    /** Names of the tags, as Firecracker's balloon statistics call them. */
    private static final String[] NAMES = {
        "swap_in", "swap_out", "major_faults", "minor_faults", "free_memory", "total_memory",
        "available_memory", "disk_caches", "hugetlb_allocations", "hugetlb_failures",
    };

    public BalloonStats {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code tag}, if the guest sent it. */
    public OptionalLong get(int tag) {
        Long value = values.get(tag);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** The values keyed by name ({@code free_memory}, ...; {@code tag_N} for unnamed tags). */
    public Map<String, Long> named() {
        var named = new LinkedHashMap<String, Long>();
        values.forEach((tag, value) -> named.put(name(tag), value));
        return Collections.unmodifiableMap(named);
    }

    /** The name of {@code tag}. */
    public static String name(int tag) {
        return tag >= 0 && tag < NAMES.length ? NAMES[tag] : "tag_" + tag;
    }
}
