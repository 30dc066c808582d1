package jvmm.virtio.block;

import static jvmm.virtio.block.VirtioBlk.HEADER_SIZE;
import static jvmm.virtio.block.VirtioBlk.RANGE_F_UNMAP;
import static jvmm.virtio.block.VirtioBlk.RANGE_SIZE;
import static jvmm.virtio.block.VirtioBlk.SECTOR_SHIFT;
import static jvmm.virtio.block.VirtioBlk.SECTOR_SIZE;
import static jvmm.virtio.block.VirtioBlk.S_IOERR;
import static jvmm.virtio.block.VirtioBlk.S_UNSUPP;

import java.util.ArrayList;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.ChainReader;
import jvmm.virtio.queue.ChainTooShortException;
import jvmm.virtio.queue.DescriptorChain;

/**
 * Turns a descriptor chain into a {@link BlockRequest}, or says why it cannot (virtio 1.2, 5.2.6).
 * Pure: it reads the header and ranges from guest memory and nothing else, writes nothing and
 * keeps no state, so it can be tested with any chain.
 *
 * <p>A request is a 16-byte header (type, reserved, sector) in the readable part, the data, and a
 * status byte: the last byte of the writable part. The framing of the buffers is free (the header
 * may be split, the status byte may share a buffer with data). What the guest can get wrong, and
 * the answer:
 * <ul>
 *   <li>no writable byte: nowhere to put a status, {@link ParseResult.Unanswerable};</li>
 *   <li>a header shorter than 16 bytes, data in the wrong direction, IN/OUT data not a multiple
 *       of 512, sectors past the end, writes to a read-only disk, malformed ranges: IOERR;</li>
 *   <li>an unknown type, flags we do not know, an unmap flag on discard: UNSUPP.</li>
 * </ul>
 */
public final class BlockRequestParser {

    private BlockRequestParser() {
    }

    /** Parses {@code chain} (already validated by the queue) against a disk of {@code limits}. */
    public static ParseResult parse(DescriptorChain chain, GuestMemory memory, DiskLimits limits) {
        GuestAddress status = statusByte(chain);
        if (status == null) {
            return new ParseResult.Unanswerable("no writable byte for the status in " + chain);
        }
        if (chain.readableLength() < HEADER_SIZE) {
            return reject(S_IOERR, status, "request header is %d bytes, needs %d".formatted(
                    chain.readableLength(), HEADER_SIZE));
        }
        ChainReader reader = chain.reader(memory);
        int type;
        long sector;
        try {
            type = reader.readU32();
            reader.readU32();
            sector = reader.readU64();
        } catch (ChainTooShortException e) {
            throw new IllegalStateException("readable length was checked", e);
        }
        long dataOut = chain.readableLength() - HEADER_SIZE;
        long dataIn = chain.writableLength() - 1;
        var context = new Context(chain, memory, limits, status, type, sector, dataOut, dataIn);
        return switch (type) {
            case VirtioBlk.T_IN -> context.readOrWrite(false);
            case VirtioBlk.T_OUT -> context.readOrWrite(true);
            case VirtioBlk.T_FLUSH -> context.flush();
            case VirtioBlk.T_GET_ID -> context.getId();
            case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES -> context.ranges(reader);
            default -> reject(S_UNSUPP, status, "unsupported request type " + Integer.toUnsignedString(type));
        };
    }

    /** The last byte of the last non-empty writable buffer, or null if there is none. */
    private static GuestAddress statusByte(DescriptorChain chain) {
        for (int i = chain.size() - 1; i >= chain.readableCount(); i--) {
            if (chain.length(i) > 0) {
                return chain.address(i).checkedAdd(chain.length(i) - 1);
            }
        }
        return null;
    }

    private static ParseResult reject(int status, GuestAddress at, String reason) {
        return new ParseResult.Rejected(status, at, reason);
    }

    /** One parse in progress: the chain, the header fields and the data lengths in each direction. */
    private record Context(DescriptorChain chain, GuestMemory memory, DiskLimits limits, GuestAddress status,
                           int type, long sector, long dataOut, long dataIn) {

        ParseResult readOrWrite(boolean write) {
            String name = write ? "OUT" : "IN";
            if (write && limits.readOnly()) {
                return reject(S_IOERR, status, "OUT to a read-only disk");
            }
            long length = write ? dataOut : dataIn;
            long wrongWay = write ? dataIn : dataOut;
            if (wrongWay != 0) {
                return reject(S_IOERR, status, "%s request with %d bytes of data in the wrong direction"
                        .formatted(name, wrongWay));
            }
            if (length % SECTOR_SIZE != 0) {
                return reject(S_IOERR, status, "%s data of %d bytes is not a multiple of 512".formatted(name, length));
            }
            if (!limits.contains(sector, length >>> SECTOR_SHIFT)) {
                return reject(S_IOERR, status, "%s of %d sectors at sector %s is past the end (%d sectors)"
                        .formatted(name, length >>> SECTOR_SHIFT, Long.toUnsignedString(sector),
                                limits.capacitySectors()));
            }
            List<BlockRequest.DataSegment> data = write ? readableData(HEADER_SIZE, length) : writableData(length);
            return valid(sector, data, length, List.of());
        }

        ParseResult flush() {
            // The spec has the driver send sector 0 and no data; a device has nothing to check.
            return valid(0, List.of(), 0, List.of());
        }

        ParseResult getId() {
            if (dataOut != 0 || dataIn == 0) {
                return reject(S_IOERR, status, "GET_ID with %d bytes out and %d bytes in".formatted(dataOut, dataIn));
            }
            long length = Math.min(dataIn, VirtioBlk.ID_BYTES);
            return valid(0, writableData(length), length, List.of());
        }

        ParseResult ranges(ChainReader reader) {
            boolean discard = type == VirtioBlk.T_DISCARD;
            String name = discard ? "DISCARD" : "WRITE_ZEROES";
            if (limits.readOnly()) {
                return reject(S_IOERR, status, name + " to a read-only disk");
            }
            int maxRanges = discard ? limits.maxDiscardSegments() : limits.maxWriteZeroesSegments();
            long maxSectors = discard ? limits.maxDiscardSectors() : limits.maxWriteZeroesSectors();
            if (dataIn != 0 || dataOut == 0 || dataOut % RANGE_SIZE != 0 || dataOut / RANGE_SIZE > maxRanges) {
                return reject(S_IOERR, status, "%s with %d bytes of ranges (%d-byte entries, at most %d) and %d bytes in"
                        .formatted(name, dataOut, RANGE_SIZE, maxRanges, dataIn));
            }
            var ranges = new ArrayList<BlockRequest.Range>((int) (dataOut / RANGE_SIZE));
            try {
                for (long i = 0; i < dataOut / RANGE_SIZE; i++) {
                    long start = reader.readU64();
                    long count = Integer.toUnsignedLong(reader.readU32());
                    int flags = reader.readU32();
                    if ((flags & ~RANGE_F_UNMAP) != 0 || (discard && flags != 0)) {
                        return reject(S_UNSUPP, status, "%s range with flags 0x%x".formatted(name, flags));
                    }
                    if (count > maxSectors || !limits.contains(start, count)) {
                        return reject(S_IOERR, status, "%s of %d sectors at sector %s is past the end or over %d sectors"
                                .formatted(name, count, Long.toUnsignedString(start), maxSectors));
                    }
                    ranges.add(new BlockRequest.Range(start, count, (flags & RANGE_F_UNMAP) != 0));
                }
            } catch (ChainTooShortException e) {
                throw new IllegalStateException("range bytes were counted", e);
            }
            return valid(0, List.of(), 0, ranges);
        }

        private ParseResult valid(long startSector, List<BlockRequest.DataSegment> data, long length,
                                  List<BlockRequest.Range> ranges) {
            return new ParseResult.Valid(new BlockRequest(type, startSector, data, length, ranges, status));
        }

        /** {@code length} bytes of the readable part, starting {@code skip} bytes in. */
        private List<BlockRequest.DataSegment> readableData(long skip, long length) {
            return segments(0, chain.readableCount(), skip, length);
        }

        /** The first {@code length} bytes of the writable part (the status byte comes after them). */
        private List<BlockRequest.DataSegment> writableData(long length) {
            return segments(chain.readableCount(), chain.size(), 0, length);
        }

        private List<BlockRequest.DataSegment> segments(int from, int to, long skip, long length) {
            var list = new ArrayList<BlockRequest.DataSegment>();
            for (int i = from; i < to && length > 0; i++) {
                long size = chain.length(i);
                if (skip >= size) {
                    skip -= size;
                    continue;
                }
                long take = Math.min(size - skip, length);
                list.add(new BlockRequest.DataSegment(chain.address(i).checkedAdd(skip), take));
                length -= take;
                skip = 0;
            }
            return list;
        }
    }
}
