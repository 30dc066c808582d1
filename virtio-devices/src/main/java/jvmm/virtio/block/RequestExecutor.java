package jvmm.virtio.block;

import static jvmm.virtio.block.VirtioBlk.SECTOR_SHIFT;
import static jvmm.virtio.block.VirtioBlk.S_IOERR;
import static jvmm.virtio.block.VirtioBlk.S_OK;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.ErrnoException;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.memory.GuestMemory;
import org.apache.logging.log4j.LogManager;

/**
 * Runs validated {@link BlockRequest}s against a {@link DiskImage}: data moves between the file
 * and guest RAM with preadv/pwritev on slices of guest memory. A failing system call answers
 * IOERR (and is logged, rate-limited: a guest can provoke it by retrying); nothing is thrown.
 */
final class RequestExecutor {

    private static final RateLimitedLog LOG =
            new RateLimitedLog(LogManager.getLogger(RequestExecutor.class), TimeUnit.SECONDS.toNanos(5), 10);

    private final String name;
    private final DiskImage disk;
    private final byte[] id;
    private final BlockStats stats;

    RequestExecutor(String name, DiskImage disk, byte[] id, BlockStats stats) {
        this.name = name;
        this.disk = disk;
        this.id = id.clone();
        this.stats = stats;
    }

    /** Runs {@code request}; returns the status byte to write. */
    int execute(BlockRequest request, GuestMemory memory) {
        try {
            switch (request.type()) {
                case VirtioBlk.T_IN -> {
                    disk.read(request.byteOffset(), slices(request.data(), memory));
                    stats.read(request.dataLength());
                }
                case VirtioBlk.T_OUT -> {
                    disk.write(request.byteOffset(), slices(request.data(), memory));
                    stats.written(request.dataLength());
                }
                case VirtioBlk.T_FLUSH -> {
                    // Completes only after fdatasync returned: what the guest synced is on disk.
                    disk.flush();
                    stats.flush();
                }
                case VirtioBlk.T_GET_ID -> writeId(request, memory);
                case VirtioBlk.T_DISCARD -> {
                    for (BlockRequest.Range range : request.ranges()) {
                        disk.discard(range.sector() << SECTOR_SHIFT, range.sectors() << SECTOR_SHIFT);
                    }
                }
                case VirtioBlk.T_WRITE_ZEROES -> {
                    for (BlockRequest.Range range : request.ranges()) {
                        disk.writeZeroes(range.sector() << SECTOR_SHIFT, range.sectors() << SECTOR_SHIFT,
                                range.unmap());
                    }
                }
                default -> throw new IllegalStateException("the parser let type " + request.type() + " through");
            }
            return S_OK;
        } catch (ErrnoException e) {
            LOG.warn("{}: request type {} at sector {} failed: {}", name, request.type(), request.sector(),
                    e.getMessage());
            return S_IOERR;
        }
    }

    /** Views of guest RAM for preadv/pwritev: the kernel copies straight into / out of them. */
    private static MemorySegment[] slices(List<BlockRequest.DataSegment> data, GuestMemory memory) {
        var slices = new MemorySegment[data.size()];
        for (int i = 0; i < slices.length; i++) {
            slices[i] = memory.slice(data.get(i).address(), data.get(i).length());
        }
        return slices;
    }

    private void writeId(BlockRequest request, GuestMemory memory) {
        int offset = 0;
        for (BlockRequest.DataSegment segment : request.data()) {
            int length = (int) segment.length();
            memory.write(segment.address(), id, offset, length);
            offset += length;
        }
    }
}
