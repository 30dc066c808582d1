package jvmm.virtio;

/**
 * Feature bits shared by every device and both sides of the ring (virtio 1.2, section 6). Bits are
 * positions in the 64-bit feature word; {@link #bit(int)} turns one into a mask.
 */
public final class VirtioFeatures {

    /** Descriptors may point at a table of further descriptors (virtio 1.2, 2.7.5.3). */
    public static final int VIRTIO_RING_F_INDIRECT_DESC = 28;
    /** used_event / avail_event replace the flags scheme of notification suppression (2.7.7, 2.7.10). */
    public static final int VIRTIO_F_EVENT_IDX = 29;
    /** A virtio 1.x device (not legacy): little-endian rings, modern layout. */
    public static final int VIRTIO_F_VERSION_1 = 32;

    private VirtioFeatures() {
    }

    public static long bit(int feature) {
        if (feature < 0 || feature > 63) {
            throw new IllegalArgumentException("feature bit out of range: " + feature);
        }
        return 1L << feature;
    }

    /** Whether {@code features} has {@code feature} set. */
    public static boolean has(long features, int feature) {
        return (features & bit(feature)) != 0;
    }
}
