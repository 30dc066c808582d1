package jvmm.virtio.queue;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * A position in one part (readable or writable) of a descriptor chain, seen as a single stream of
 * bytes that may cross buffer boundaries. {@link ChainReader} and {@link ChainWriter} move data
 * through it.
 */
abstract sealed class ChainCursor permits ChainReader, ChainWriter {

    protected final DescriptorChain chain;
    protected final GuestMemory memory;
    private final int end;
    private int index;
    private long offset;
    private long remaining;
    private long consumed;

    ChainCursor(DescriptorChain chain, GuestMemory memory, int first, int end, long total) {
        this.chain = chain;
        this.memory = memory;
        this.index = first;
        this.end = end;
        this.remaining = total;
        skipEmpty();
    }

    /** Bytes left in this part of the chain. */
    public final long remaining() {
        return remaining;
    }

    /** Bytes moved (or skipped) so far. */
    public final long position() {
        return consumed;
    }

    /** Moves forward {@code n} bytes without touching them. */
    public final void skip(long n) throws ChainTooShortException {
        require(n);
        while (n > 0) {
            long step = Math.min(n, currentLeft());
            advance(step);
            n -= step;
        }
    }

    /**
     * The guest address of the next byte, provided {@code n} bytes from there stay inside the
     * current buffer, or null if they cross into the next one (then callers go byte by byte).
     */
    protected final GuestAddress contiguous(int n) throws ChainTooShortException {
        require(n);
        if (currentLeft() < n) {
            return null;
        }
        GuestAddress at = GuestAddress.of(chain.rawAddress(index) + offset);
        advance(n);
        return at;
    }

    /** Moves up to {@code len} bytes between {@code buf} and the chain, buffer by buffer. */
    protected final void transfer(byte[] buf, int off, int len, boolean toGuest) throws ChainTooShortException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        require(len);
        while (len > 0) {
            int step = (int) Math.min(len, currentLeft());
            GuestAddress at = GuestAddress.of(chain.rawAddress(index) + offset);
            if (toGuest) {
                memory.write(at, buf, off, step);
            } else {
                memory.read(at, buf, off, step);
            }
            advance(step);
            off += step;
            len -= step;
        }
    }

    private void require(long n) throws ChainTooShortException {
        if (n < 0) {
            throw new IllegalArgumentException("negative length " + n);
        }
        if (n > remaining) {
            throw new ChainTooShortException("need %d more bytes, the chain's %s part has %d left in %s"
                    .formatted(n, partName(), remaining, chain));
        }
    }

    abstract String partName();

    private long currentLeft() {
        return Integer.toUnsignedLong(chain.rawLength(index)) - offset;
    }

    private void advance(long n) {
        offset += n;
        remaining -= n;
        consumed += n;
        skipEmpty();
    }

    /** Steps over exhausted (and zero-length) buffers so {@code index} points at a byte if any is left. */
    private void skipEmpty() {
        while (index < end && currentLeft() == 0) {
            index++;
            offset = 0;
        }
    }
}
