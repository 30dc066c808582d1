package jvmm.virtio.queue;

/**
 * Why a queue was marked broken: each names one thing a guest can get wrong in a split virtqueue.
 * Once broken, a queue stays silent until reset, and its device should report
 * {@link jvmm.virtio.DeviceStatus#DEVICE_NEEDS_RESET}.
 */
public enum QueueError {
    /** Queue size not a power of two in 1..max, or a ring address misaligned (2.7). */
    INVALID_CONFIGURATION("queue configuration is invalid"),
    /** The descriptor table, avail ring or used ring is not inside guest RAM. */
    RING_OUT_OF_RAM("ring not inside guest RAM"),
    /** avail idx moved more than queue-size entries past the last one we consumed. */
    AVAIL_IDX_TOO_FAR("avail idx too far ahead"),
    /** An avail ring entry names a descriptor index >= queue size. */
    HEAD_OUT_OF_RANGE("head index out of range"),
    /** A descriptor's next field is outside its table. */
    NEXT_OUT_OF_RANGE("next index out of range"),
    /** A buffer [addr, addr + len) is not inside guest RAM. */
    DESCRIPTOR_OUT_OF_RAM("descriptor buffer not inside guest RAM"),
    /**
     * A loop: more descriptors than the table holds (the queue size for the descriptor table, the
     * entry count for an indirect one), or an indirect table over 65536 entries.
     */
    CHAIN_TOO_LONG("descriptor chain longer than the queue"),
    /** The lengths of the chain add up to more than 2^32 - 1 bytes. */
    LENGTH_OVERFLOW("descriptor chain length overflows 32 bits"),
    /** A device-readable descriptor after a device-writable one (2.7.4.2). */
    READABLE_AFTER_WRITABLE("readable descriptor after a writable one"),
    /** VIRTQ_DESC_F_INDIRECT used though VIRTIO_RING_F_INDIRECT_DESC was not negotiated. */
    INDIRECT_NOT_NEGOTIATED("indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC"),
    /** An indirect table of length 0. */
    INDIRECT_EMPTY("empty indirect table"),
    /** An indirect table whose length is not a multiple of 16 bytes. */
    INDIRECT_MISALIGNED("indirect table length not a multiple of 16"),
    /** An indirect table that is not inside guest RAM. */
    INDIRECT_OUT_OF_RAM("indirect table not inside guest RAM"),
    /** VIRTQ_DESC_F_INDIRECT inside an indirect table (2.7.5.3.1). */
    NESTED_INDIRECT("nested indirect table"),
    /** VIRTQ_DESC_F_INDIRECT together with VIRTQ_DESC_F_NEXT (2.7.5.3.1). */
    INDIRECT_WITH_NEXT("indirect descriptor with NEXT set");

    private final String description;

    QueueError(String description) {
        this.description = description;
    }

    /** A short human-readable description, for logs. */
    public String description() {
        return description;
    }
}
