package jvmm.virtio.block;

import java.util.List;
import jvmm.virtio.memory.GuestAddress;

/**
 * A validated block request: everything in it was checked against the chain, guest RAM and the
 * disk's limits, so executing it cannot touch memory outside the chain's buffers or sectors
 * outside the disk.
 *
 * @param type one of the {@code VirtioBlk.T_*} types the device supports
 * @param sector first sector of IN / OUT (0 for the others)
 * @param data the guest buffers data moves to (IN, GET_ID) or from (OUT), in order
 * @param dataLength the sum of the lengths of {@code data}
 * @param ranges the ranges of DISCARD / WRITE_ZEROES, empty for the other types
 * @param status where the status byte goes: the last byte of the chain's writable part
 */
public record BlockRequest(int type, long sector, List<DataSegment> data, long dataLength, List<Range> ranges,
                           GuestAddress status) {

    /** A run of guest memory a request moves data through. */
    public record DataSegment(GuestAddress address, long length) {
    }

    /** One discard or write-zeroes range, in sectors; {@code unmap} may deallocate (write zeroes). */
    public record Range(long sector, long sectors, boolean unmap) {
    }

    public BlockRequest {
        data = List.copyOf(data);
        ranges = List.copyOf(ranges);
    }

    /** The file offset of {@link #sector()}; the parser has checked it does not overflow. */
    public long byteOffset() {
        return sector << VirtioBlk.SECTOR_SHIFT;
    }
}
