package jvmm.virtio.queue;

import static jvmm.virtio.queue.SplitRing.DESC_SIZE;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_INDIRECT;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_NEXT;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_WRITE;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Walks one descriptor chain of a split virtqueue and copies it into a {@link DescriptorChain},
 * checking everything a hostile guest could get wrong. Validation happens here, at the moment of
 * use, not when the queue was set up: the guest owns the table and may change it at any time.
 *
 * <p>The walk is bounded: at most queue-size descriptors in the descriptor table, and at most the
 * table's own entry count inside an indirect table (Linux and QEMU let an indirect table hold more
 * entries than the ring; {@code next} is 16 bits, so tables stop at 65536 entries). These
 * time-to-live counts turn a {@code next} loop into {@link QueueError#CHAIN_TOO_LONG} instead of a
 * spin. Errors are returned, not thrown, since a bad chain is ordinary guest input; the text of the
 * last error (what the guest gave us) is kept for the log.
 */
final class ChainParser {

    private static final long MAX_CHAIN_BYTES = 0xFFFF_FFFFL;
    private static final long MAX_INDIRECT_ENTRIES = 65536;

    private String detail = "";

    /** What the guest gave us, for the last error returned. */
    String detail() {
        return detail;
    }

    /**
     * Parses the chain starting at {@code head} of the table at {@code descTable} into {@code out}.
     *
     * @return null when the chain is valid, else the reason it is not
     */
    QueueError parse(GuestMemory memory, long descTable, int queueSize, int head,
                     boolean indirectAllowed, DescriptorChain out) {
        if (head >= queueSize) {
            return fail(QueueError.HEAD_OUT_OF_RANGE, "head %d, queue size %d", head, queueSize);
        }
        out.clear(head);
        long table = descTable;
        int tableSize = queueSize;
        int index = head;
        int ttl = queueSize;
        boolean inIndirect = false;
        boolean sawWritable = false;
        long total = 0;
        while (true) {
            if (ttl-- == 0) {
                return fail(QueueError.CHAIN_TOO_LONG, "more than %d descriptors in %s table (head %d)",
                        tableSize, inIndirect ? "an indirect" : "the descriptor", head);
            }
            long at = table + (long) index * DESC_SIZE;
            long addr = memory.readU64(GuestAddress.of(at));
            // len, flags and next are the second 8 bytes: one read instead of three.
            long rest = memory.readU64(GuestAddress.of(at + 8));
            int len = (int) rest;
            int flags = (int) (rest >>> 32) & 0xFFFF;
            int next = (int) (rest >>> 48);
            if ((flags & VIRTQ_DESC_F_INDIRECT) != 0) {
                QueueError bad = checkIndirect(memory, inIndirect, indirectAllowed, addr, len, flags);
                if (bad != null) {
                    return bad;
                }
                table = addr;
                tableSize = len / DESC_SIZE;
                ttl = tableSize;
                index = 0;
                inIndirect = true;
                out.markIndirect();
                continue;
            }
            long length = Integer.toUnsignedLong(len);
            if (!memory.contains(GuestAddress.of(addr), length)) {
                return fail(QueueError.DESCRIPTOR_OUT_OF_RAM, "buffer [0x%x, +0x%x) in chain %d", addr, length, head);
            }
            boolean writable = (flags & VIRTQ_DESC_F_WRITE) != 0;
            if (!writable && sawWritable) {
                return fail(QueueError.READABLE_AFTER_WRITABLE, "descriptor %d of chain %d", index, head);
            }
            sawWritable |= writable;
            total += length;
            if (total > MAX_CHAIN_BYTES) {
                return fail(QueueError.LENGTH_OVERFLOW, "chain %d totals more than 0x%x bytes", head, total);
            }
            out.append(addr, len, writable);
            if ((flags & VIRTQ_DESC_F_NEXT) == 0) {
                return null;
            }
            if (next >= tableSize) {
                return fail(QueueError.NEXT_OUT_OF_RANGE, "next %d in a table of %d (chain %d)", next, tableSize, head);
            }
            index = next;
        }
    }

    /** The rules for a descriptor that points at an indirect table (virtio 1.2, 2.7.5.3.1). */
    private QueueError checkIndirect(GuestMemory memory, boolean inIndirect, boolean allowed,
                                     long addr, int len, int flags) {
        if (!allowed) {
            return fail(QueueError.INDIRECT_NOT_NEGOTIATED, "indirect table at 0x%x", addr);
        }
        if (inIndirect) {
            return fail(QueueError.NESTED_INDIRECT, "indirect table at 0x%x inside another", addr);
        }
        if ((flags & VIRTQ_DESC_F_NEXT) != 0) {
            return fail(QueueError.INDIRECT_WITH_NEXT, "indirect table at 0x%x, flags 0x%x", addr, flags);
        }
        long length = Integer.toUnsignedLong(len);
        if (length == 0) {
            return fail(QueueError.INDIRECT_EMPTY, "indirect table at 0x%x", addr);
        }
        if (length % DESC_SIZE != 0) {
            return fail(QueueError.INDIRECT_MISALIGNED, "indirect table at 0x%x of %d bytes", addr, length);
        }
        if (length / DESC_SIZE > MAX_INDIRECT_ENTRIES) {
            return fail(QueueError.CHAIN_TOO_LONG, "indirect table of %d entries", length / DESC_SIZE);
        }
        if (!memory.contains(GuestAddress.of(addr), length)) {
            return fail(QueueError.INDIRECT_OUT_OF_RAM, "indirect table [0x%x, +0x%x)", addr, length);
        }
        return null;
    }

    private QueueError fail(QueueError error, String format, Object... args) {
        detail = format.formatted(args);
        return error;
    }
}
