package jvmm.virtio.queue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * A descriptor chain taken from the avail ring, already walked and validated: every buffer lies
 * inside guest RAM, the readable buffers come before the writable ones, the total length fits in
 * 32 bits, and indirect tables have been flattened into the list.
 *
 * <p>The descriptors are copied out of guest memory while they are validated, so a guest that
 * rewrites its descriptor table afterwards cannot change what the device acts on (no gap between
 * check and use). The copy lives in primitive arrays that a chain keeps and reuses when it is
 * refilled by {@link Queue#popInto}: popping allocates nothing per descriptor.
 */
public final class DescriptorChain {

    private int head = -1;
    private int count;
    private int readableCount;
    private long readableBytes;
    private long writableBytes;
    private boolean indirect;
    private long[] addresses;
    private int[] lengths;

    public DescriptorChain() {
        this(4);
    }

    /** A chain with room for {@code capacity} descriptors before it has to grow. */
    public DescriptorChain(int capacity) {
        addresses = new long[Math.max(1, capacity)];
        lengths = new int[Math.max(1, capacity)];
    }

    void clear(int newHead) {
        head = newHead;
        count = 0;
        readableCount = 0;
        readableBytes = 0;
        writableBytes = 0;
        indirect = false;
    }

    /** Appends a validated descriptor; the parser has checked ordering and length overflow. */
    void append(long address, int length, boolean writable) {
        if (count == addresses.length) {
            int grown = count * 2;
            addresses = Arrays.copyOf(addresses, grown);
            lengths = Arrays.copyOf(lengths, grown);
        }
        addresses[count] = address;
        lengths[count] = length;
        count++;
        if (writable) {
            writableBytes += Integer.toUnsignedLong(length);
        } else {
            readableCount++;
            readableBytes += Integer.toUnsignedLong(length);
        }
    }

    void markIndirect() {
        indirect = true;
    }

    /** The descriptor index to hand back in {@link Queue#addUsed}. */
    public int head() {
        return head;
    }

    /** How many buffers the chain has (after flattening an indirect table). */
    public int size() {
        return count;
    }

    public int readableCount() {
        return readableCount;
    }

    public int writableCount() {
        return count - readableCount;
    }

    /** Total bytes of the device-readable buffers. */
    public long readableLength() {
        return readableBytes;
    }

    /** Total bytes of the device-writable buffers: the most a device can report as used. */
    public long writableLength() {
        return writableBytes;
    }

    /** Whether the buffers came from an indirect table. */
    public boolean isIndirect() {
        return indirect;
    }

    public GuestAddress address(int i) {
        return GuestAddress.of(addresses[checkIndex(i)]);
    }

    /** The length of buffer {@code i}, unsigned. */
    public long length(int i) {
        return Integer.toUnsignedLong(lengths[checkIndex(i)]);
    }

    /** Readable buffers are indices {@code [0, readableCount())}, writable ones the rest. */
    public boolean isWritable(int i) {
        return checkIndex(i) >= readableCount;
    }

    public Descriptor descriptor(int i) {
        return new Descriptor(address(i), length(i), isWritable(i));
    }

    /** All buffers in order, readable ones first. */
    public List<Descriptor> descriptors() {
        var list = new ArrayList<Descriptor>(count);
        for (int i = 0; i < count; i++) {
            list.add(descriptor(i));
        }
        return list;
    }

    /** Reads the device-readable part as one stream of bytes, across buffer boundaries. */
    public ChainReader reader(GuestMemory memory) {
        return new ChainReader(this, memory);
    }

    /** Writes the device-writable part as one stream of bytes, across buffer boundaries. */
    public ChainWriter writer(GuestMemory memory) {
        return new ChainWriter(this, memory);
    }

    long rawAddress(int i) {
        return addresses[i];
    }

    int rawLength(int i) {
        return lengths[i];
    }

    private int checkIndex(int i) {
        return java.util.Objects.checkIndex(i, count);
    }

    @Override
    public String toString() {
        return "DescriptorChain[head=%d, %d readable (%d bytes), %d writable (%d bytes)%s]".formatted(
                head, readableCount, readableBytes, writableCount(), writableBytes, indirect ? ", indirect" : "");
    }
}
