package jvmm.virtio.queue;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Writes the device-writable part of a chain as one little-endian byte stream. {@link #position()}
 * is the number of bytes written, which is what a device reports in {@link Queue#addUsed}.
 */
public final class ChainWriter extends ChainCursor {

    ChainWriter(DescriptorChain chain, GuestMemory memory) {
        super(chain, memory, chain.readableCount(), chain.size(), chain.writableLength());
    }

    @Override
    String partName() {
        return "writable";
    }

    public void writeU8(byte value) throws ChainTooShortException {
        memory.writeU8(contiguous(1), value);
    }

    public void writeU16(short value) throws ChainTooShortException {
        GuestAddress at = contiguous(2);
        if (at != null) {
            memory.writeU16(at, value);
        } else {
            writeSplit(value, 2);
        }
    }

    public void writeU32(int value) throws ChainTooShortException {
        GuestAddress at = contiguous(4);
        if (at != null) {
            memory.writeU32(at, value);
        } else {
            writeSplit(value, 4);
        }
    }

    public void writeU64(long value) throws ChainTooShortException {
        GuestAddress at = contiguous(8);
        if (at != null) {
            memory.writeU64(at, value);
        } else {
            writeSplit(value, 8);
        }
    }

    /** Writes {@code src[off, off + len)}. */
    public void write(byte[] src, int off, int len) throws ChainTooShortException {
        transfer(src, off, len, true);
    }

    public void write(byte[] src) throws ChainTooShortException {
        write(src, 0, src.length);
    }

    private void writeSplit(long value, int n) throws ChainTooShortException {
        for (int i = 0; i < n; i++) {
            writeU8((byte) (value >>> (8 * i)));
        }
    }
}
