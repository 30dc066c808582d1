package jvmm.virtio.balloon;

/**
 * How the balloon is set up: its initial size and which features the device offers. The
 * constructor rejects bad user input with a message that names the value and what is valid.
 *
 * @param amountBytes how much guest memory the balloon should hold at boot (the initial target);
 *                    rounded down to whole 4 KiB pages
 * @param deflateOnOom offer VIRTIO_BALLOON_F_DEFLATE_ON_OOM: the guest takes pages back from the
 *                     balloon rather than run out of memory
 * @param statsIntervalSeconds how often the VMM asks the guest for fresh memory statistics; 0
 *                             offers no statistics queue
 * @param freePageReporting offer VIRTIO_BALLOON_F_PAGE_REPORTING: free ranges the guest reports
 *                          are discarded on the host
 */
public record BalloonConfig(long amountBytes, boolean deflateOnOom, int statsIntervalSeconds,
                            boolean freePageReporting) {

    public BalloonConfig {
        checkAmount(amountBytes);
        if (statsIntervalSeconds < 0) {
            throw new IllegalArgumentException("balloon stats interval %d s is invalid; use 0 (no statistics) or more seconds"
                    .formatted(statsIntervalSeconds));
        }
    }

    /** An empty balloon with no optional features. */
    public static BalloonConfig empty() {
        return new BalloonConfig(0, false, 0, false);
    }

    /** Whether the statistics queue is offered. */
    public boolean stats() {
        return statsIntervalSeconds > 0;
    }

    /** The target in 4 KiB pages. */
    public long amountPages() {
        return amountBytes >>> VirtioBalloon.PFN_SHIFT;
    }

    /** Checks a balloon size in bytes: 0 or more, at most 2^32 - 1 pages of 4 KiB. */
    static void checkAmount(long bytes) {
        if (bytes < 0 || (bytes >>> VirtioBalloon.PFN_SHIFT) > VirtioBalloon.MAX_PAGES) {
            throw new IllegalArgumentException("balloon size %d bytes is invalid; use 0 to %d bytes (2^32 - 1 pages of 4 KiB)"
                    .formatted(bytes, VirtioBalloon.MAX_PAGES << VirtioBalloon.PFN_SHIFT));
        }
    }
}
