package jvmm.virtio.queue;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Reads the device-readable part of a chain as one little-endian byte stream: a request header
 * may be split over several buffers and the reader does not care.
 */
public final class ChainReader extends ChainCursor {

    ChainReader(DescriptorChain chain, GuestMemory memory) {
        super(chain, memory, 0, chain.readableCount(), chain.readableLength());
    }

    @Override
    String partName() {
        return "readable";
    }

    public byte readU8() throws ChainTooShortException {
        GuestAddress at = contiguous(1);
        return memory.readU8(at);
    }

    public short readU16() throws ChainTooShortException {
        GuestAddress at = contiguous(2);
        return at != null ? memory.readU16(at) : (short) readSplit(2);
    }

    public int readU32() throws ChainTooShortException {
        GuestAddress at = contiguous(4);
        return at != null ? memory.readU32(at) : (int) readSplit(4);
    }

    public long readU64() throws ChainTooShortException {
        GuestAddress at = contiguous(8);
        return at != null ? memory.readU64(at) : readSplit(8);
    }

    /** Fills {@code dst[off, off + len)}. */
    public void read(byte[] dst, int off, int len) throws ChainTooShortException {
        transfer(dst, off, len, false);
    }

    public byte[] readBytes(int len) throws ChainTooShortException {
        byte[] bytes = new byte[len];
        read(bytes, 0, len);
        return bytes;
    }

    /** A little-endian value that straddles a buffer boundary, assembled byte by byte. */
    private long readSplit(int n) throws ChainTooShortException {
        long value = 0;
        for (int i = 0; i < n; i++) {
            value |= (readU8() & 0xFFL) << (8 * i);
        }
        return value;
    }
}
