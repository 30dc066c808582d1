package jvmm.virtio.queue;

import java.lang.foreign.MemorySegment;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Guest memory that counts every access and records every written range, so tests can bound the
 * work a call does (no spinning) and check where it wrote.
 */
final class WatchedMemory implements GuestMemory {

    private final GuestMemory inner;
    long accesses;
    long writes;
    long lowestWrite = Long.MAX_VALUE;
    long highestWriteEnd = Long.MIN_VALUE;

    WatchedMemory(GuestMemory inner) {
        this.inner = inner;
    }

    private void read() {
        accesses++;
    }

    private void wrote(GuestAddress addr, long len) {
        accesses++;
        writes++;
        lowestWrite = Math.min(lowestWrite, addr.value());
        highestWriteEnd = Math.max(highestWriteEnd, addr.value() + len);
    }

    @Override
    public boolean contains(GuestAddress addr, long length) {
        read();
        return inner.contains(addr, length);
    }

    @Override
    public byte readU8(GuestAddress addr) {
        read();
        return inner.readU8(addr);
    }

    @Override
    public short readU16(GuestAddress addr) {
        read();
        return inner.readU16(addr);
    }

    @Override
    public int readU32(GuestAddress addr) {
        read();
        return inner.readU32(addr);
    }

    @Override
    public long readU64(GuestAddress addr) {
        read();
        return inner.readU64(addr);
    }

    @Override
    public void writeU8(GuestAddress addr, byte value) {
        wrote(addr, 1);
        inner.writeU8(addr, value);
    }

    @Override
    public void writeU16(GuestAddress addr, short value) {
        wrote(addr, 2);
        inner.writeU16(addr, value);
    }

    @Override
    public void writeU32(GuestAddress addr, int value) {
        wrote(addr, 4);
        inner.writeU32(addr, value);
    }

    @Override
    public void writeU64(GuestAddress addr, long value) {
        wrote(addr, 8);
        inner.writeU64(addr, value);
    }

    @Override
    public short loadAcquireU16(GuestAddress addr) {
        read();
        return inner.loadAcquireU16(addr);
    }

    @Override
    public void storeReleaseU16(GuestAddress addr, short value) {
        wrote(addr, 2);
        inner.storeReleaseU16(addr, value);
    }

    @Override
    public void read(GuestAddress addr, byte[] dst, int off, int len) {
        read();
        inner.read(addr, dst, off, len);
    }

    @Override
    public void write(GuestAddress addr, byte[] src, int off, int len) {
        wrote(addr, len);
        inner.write(addr, src, off, len);
    }

    @Override
    public void fill(GuestAddress addr, long len, byte value) {
        wrote(addr, len);
        inner.fill(addr, len, value);
    }

    @Override
    public MemorySegment slice(GuestAddress addr, long len) {
        read();
        return inner.slice(addr, len);
    }

    @Override
    public void discard(GuestAddress addr, long len) {
        wrote(addr, len);
        inner.discard(addr, len);
    }
}
