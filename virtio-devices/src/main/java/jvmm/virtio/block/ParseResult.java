package jvmm.virtio.block;

import jvmm.virtio.memory.GuestAddress;

/** What {@link BlockRequestParser} made of a chain: a request to run, a status to answer, or nothing. */
public sealed interface ParseResult {

    /** A valid request. */
    record Valid(BlockRequest request) implements ParseResult {
    }

    /**
     * A request to answer with {@code status} (IOERR or UNSUPP) at {@code statusAddress} without
     * doing anything; {@code reason} says what the guest gave us.
     */
    record Rejected(int status, GuestAddress statusAddress, String reason) implements ParseResult {
    }

    /**
     * A chain with no writable byte for a status: nothing can be answered, so the chain is
     * returned unused (length 0) and the device carries on.
     */
    record Unanswerable(String reason) implements ParseResult {
    }
}
