package jvmm.virtio.queue;

/**
 * The split virtqueue's memory layout and bit definitions (virtio 1.2, 2.7), shared by the device
 * side (this package) and the driver side used by tests, so both agree byte for byte.
 *
 * <pre>
 * struct virtq_desc  { le64 addr; le32 len; le16 flags; le16 next; };           // 16 bytes, table 16-aligned
 * struct virtq_avail { le16 flags; le16 idx; le16 ring[size]; le16 used_event; }; // 2-aligned
 * struct virtq_used  { le16 flags; le16 idx; struct { le32 id; le32 len; } ring[size]; le16 avail_event; }; // 4-aligned
 * </pre>
 */
public final class SplitRing {

    public static final int MAX_SIZE = 32768;

    public static final int DESC_SIZE = 16;
    public static final int DESC_ALIGN = 16;
    public static final int AVAIL_ALIGN = 2;
    public static final int USED_ALIGN = 4;

    /** virtq_desc.flags: the chain continues at {@code next}. */
    public static final int VIRTQ_DESC_F_NEXT = 1;
    /** virtq_desc.flags: the buffer is device-writable. */
    public static final int VIRTQ_DESC_F_WRITE = 2;
    /** virtq_desc.flags: the buffer is a table of descriptors. */
    public static final int VIRTQ_DESC_F_INDIRECT = 4;

    /** virtq_avail.flags: the driver asks not to be interrupted (flags scheme, advisory). */
    public static final int VRING_AVAIL_F_NO_INTERRUPT = 1;
    /** virtq_used.flags: the device asks not to be notified (flags scheme, advisory). */
    public static final int VRING_USED_F_NO_NOTIFY = 1;

    public static final int DESC_ADDR = 0;
    public static final int DESC_LEN = 8;
    public static final int DESC_FLAGS = 12;
    public static final int DESC_NEXT = 14;

    public static final int RING_FLAGS = 0;
    public static final int RING_IDX = 2;
    public static final int RING_ENTRIES = 4;
    public static final int USED_ELEM_SIZE = 8;

    private SplitRing() {
    }

    public static boolean isValidSize(int size) {
        return size >= 1 && size <= MAX_SIZE && Integer.bitCount(size) == 1;
    }

    public static long descTableBytes(int size) {
        return (long) DESC_SIZE * size;
    }

    /** flags + idx + ring[size] + used_event. */
    public static long availRingBytes(int size) {
        return 6 + 2L * size;
    }

    /** flags + idx + ring[size] + avail_event. */
    public static long usedRingBytes(int size) {
        return 6 + (long) USED_ELEM_SIZE * size;
    }

    /** Offset of used_event inside the avail ring. */
    public static long usedEventOffset(int size) {
        return RING_ENTRIES + 2L * size;
    }

    /** Offset of avail_event inside the used ring. */
    public static long availEventOffset(int size) {
        return RING_ENTRIES + (long) USED_ELEM_SIZE * size;
    }

    /**
     * Whether moving an index from {@code oldIdx} to {@code newIdx} passed {@code eventIdx}, i.e. the
     * other side asked to be told once the entry at {@code eventIdx} was published (Linux's
     * vring_need_event). All three are free-running 16-bit values; the subtractions wrap at 2^16,
     * which is what makes the comparison correct across the wrap.
     */
    public static boolean needEvent(int eventIdx, int newIdx, int oldIdx) {
        return ((newIdx - eventIdx - 1) & 0xFFFF) < ((newIdx - oldIdx) & 0xFFFF);
    }
}
