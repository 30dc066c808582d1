package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A native array of {@code struct iovec} that stays filled between calls: a device that reads
 * into the same buffers again and again (a network receive path holding the guest's buffers
 * until frames fill them) sets each entry once, not once per readv. {@link Libc#readv(int,
 * Iovecs, int, int)} takes a run of its entries.
 *
 * <p>Not thread-safe. The memory is freed once the array is unreachable: a device keeps one for
 * its life, and an explicit free could race with a readv still running on its thread.
 */
public final class Iovecs {

    private static final long ENTRY_BYTES = LibcLayouts.IOVEC.byteSize();

    private final MemorySegment array;
    private final int capacity;

    /** An array of {@code capacity} entries, all empty (null base, length 0). */
    public Iovecs(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("an iovec array needs at least one entry, not " + capacity);
        }
        this.capacity = capacity;
        this.array = Arena.ofAuto().allocate(capacity * ENTRY_BYTES, 8);
    }

    public int capacity() {
        return capacity;
    }

    /** Entry {@code index} describes {@code buffer}, which must be native memory. */
    public void set(int index, MemorySegment buffer) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("iovec " + index + " is a heap segment; the kernel needs native memory");
        }
        long offset = offsetOf(index);
        array.set(ADDRESS, offset, buffer);
        array.set(JAVA_LONG, offset + 8, buffer.byteSize());
    }

    /** The length of entry {@code index}. */
    public long length(int index) {
        return array.get(JAVA_LONG, offsetOf(index) + 8);
    }

    /** Copies entries {@code [from, from + count)} to {@code [to, to + count)} (overlap allowed). */
    public void move(int from, int to, int count) {
        if (count == 0) {
            return;
        }
        checkRun(from, count);
        checkRun(to, count);
        MemorySegment.copy(array, offsetOf(from), array, offsetOf(to), count * ENTRY_BYTES);
    }

    /** The native entries from {@code first}, for a downcall of {@code count} of them. */
    MemorySegment run(int first, int count) {
        checkRun(first, count);
        return array.asSlice(offsetOf(first), count * ENTRY_BYTES);
    }

    private void checkRun(int first, int count) {
        if (first < 0 || count < 0 || first + count > capacity) {
            throw new IndexOutOfBoundsException("iovecs [%d, %d) of %d".formatted(first, first + count, capacity));
        }
    }

    private long offsetOf(int index) {
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException("iovec " + index + " of " + capacity);
        }
        return index * ENTRY_BYTES;
    }
}
