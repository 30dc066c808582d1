package jvmm.virtio.queue;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/** Checks a queue's configuration against the spec (2.7) and guest RAM before it is first used. */
final class QueueLayoutCheck {

    private QueueLayoutCheck() {
    }

    /** null if the configuration is usable, else why not. */
    static QueueError check(GuestMemory memory, int maxSize, int size, long desc, long avail, long used) {
        if (!SplitRing.isValidSize(size) || size > maxSize
                || (desc & (SplitRing.DESC_ALIGN - 1)) != 0
                || (avail & (SplitRing.AVAIL_ALIGN - 1)) != 0
                || (used & (SplitRing.USED_ALIGN - 1)) != 0) {
            return QueueError.INVALID_CONFIGURATION;
        }
        if (!memory.contains(GuestAddress.of(desc), SplitRing.descTableBytes(size))
                || !memory.contains(GuestAddress.of(avail), SplitRing.availRingBytes(size))
                || !memory.contains(GuestAddress.of(used), SplitRing.usedRingBytes(size))) {
            return QueueError.RING_OUT_OF_RAM;
        }
        return null;
    }

    static String describe(int maxSize, int size, long desc, long avail, long used) {
        return "size %d (max %d), desc 0x%x, avail 0x%x, used 0x%x".formatted(size, maxSize, desc, avail, used);
    }
}
