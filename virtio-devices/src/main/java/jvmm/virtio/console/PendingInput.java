package jvmm.virtio.console;

import java.util.ArrayDeque;
import jvmm.virtio.queue.ChainTooShortException;
import jvmm.virtio.queue.ChainWriter;

/**
 * Host input the guest has not taken yet, in arrival order. Nothing is ever dropped: bytes wait
 * here until the guest gives receive buffers; {@link #size()} lets the VMM stop reading its input
 * while too much is waiting. Thread-safe: offered on an input thread, drained on the queue thread.
 */
final class PendingInput {

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    /** How much of the first chunk was already delivered. */
    private int headOffset;
    private long size;

    synchronized void offer(byte[] bytes) {
        if (bytes.length > 0) {
            chunks.addLast(bytes.clone());
            size += bytes.length;
        }
    }

    synchronized long size() {
        return size;
    }

    synchronized boolean isEmpty() {
        return size == 0;
    }

    /** Moves as many pending bytes as fit into {@code writer}; returns how many. */
    synchronized int drainInto(ChainWriter writer) {
        int moved = 0;
        try {
            while (!chunks.isEmpty() && writer.remaining() > 0) {
                byte[] head = chunks.peekFirst();
                int step = (int) Math.min(head.length - headOffset, writer.remaining());
                writer.write(head, headOffset, step);
                moved += step;
                headOffset += step;
                if (headOffset == head.length) {
                    chunks.removeFirst();
                    headOffset = 0;
                }
            }
        } catch (ChainTooShortException e) {
            throw new IllegalStateException("wrote no more than the writer had left", e);
        }
        size -= moved;
        return moved;
    }
}
