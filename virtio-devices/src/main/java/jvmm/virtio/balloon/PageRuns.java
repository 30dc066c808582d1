package jvmm.virtio.balloon;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Collects 4 KiB guest pages into runs of adjacent pages, so a buffer of 256 consecutive PFNs
 * (what Linux usually sends) costs one madvise and not 256. A run never crosses the end of a RAM
 * region. Used on the queue thread only.
 */
final class PageRuns {

    /** What is done with one run: discarding it, or nothing (deflate). */
    @FunctionalInterface
    interface RunAction {
        void apply(GuestAddress start, long length);
    }

    private final GuestMemory memory;
    private final RunAction action;
    private long start;
    private long length;

    PageRuns(GuestMemory memory, RunAction action) {
        this.memory = memory;
        this.action = action;
    }

    /** Adds the page at {@code address} (page-aligned and inside RAM), extending the current run if it can. */
    void add(long address) {
        if (length > 0 && address == start + length
                && memory.contains(GuestAddress.of(start), length + VirtioBalloon.PAGE_SIZE)) {
            length += VirtioBalloon.PAGE_SIZE;
            return;
        }
        flush();
        start = address;
        length = VirtioBalloon.PAGE_SIZE;
    }

    /** Applies the action to the pending run, if any. */
    void flush() {
        if (length > 0) {
            action.apply(GuestAddress.of(start), length);
            length = 0;
        }
    }
}
