package jvmm.virtio.block;

import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.ErrnoException;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.BasicDevice;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.device.QueueDrain;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.memory.GuestMemoryException;
import jvmm.virtio.queue.DescriptorChain;
import org.apache.logging.log4j.LogManager;

/**
 * virtio-blk over a raw image file (virtio 1.2, 5.2), one request queue.
 *
 * <p>Requests are taken in batches: notifications are disabled while the queue is drained,
 * re-enabled with a re-check before going idle, and the driver is interrupted once per batch if
 * its suppression state (used_event or NO_INTERRUPT) asks for it. Each request is parsed by the
 * pure {@link BlockRequestParser} and run by a {@link RequestExecutor}; whatever the guest puts
 * in a chain, the answer is a status byte or (with no room for one) an unused chain, and the
 * device keeps serving.
 *
 * <p>Offered: SIZE_MAX, SEG_MAX and BLK_SIZE (advisory limits, the device copes with more),
 * FLUSH, RO for read-only disks, else DISCARD and WRITE_ZEROES; EVENT_IDX and INDIRECT_DESC.
 */
public final class BlockDevice extends BasicDevice implements AutoCloseable {

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(BlockDevice.class), TimeUnit.SECONDS.toNanos(5), 10);
    /** Largest single buffer advertised (SIZE_MAX). */
    private static final int SIZE_MAX = 1 << 20;
    /** Discard granularity advertised, in sectors (4 KiB: what file systems punch holes in). */
    private static final int DISCARD_ALIGNMENT_SECTORS = 8;

    private final DiskImage disk;
    private final BlockConfig config;
    private final DiskLimits limits;
    private final BlockStats stats = new BlockStats();
    private final RequestExecutor executor;
    private final DescriptorChain chain = new DescriptorChain(16);

    /** Opens the image of {@code config}; {@code name} (e.g. "blk0") names the device in logs. */
    public static BlockDevice open(String name, BlockConfig config) throws ErrnoException {
        return new BlockDevice(name, config, DiskImage.open(config.image(), config.readOnly()));
    }

    /** A device over an image that is already open; the device owns it from now on. */
    public BlockDevice(String name, BlockConfig config, DiskImage disk) {
        super(name, VirtioBlk.CONFIG_SIZE);
        this.config = config;
        this.disk = disk;
        this.limits = DiskLimits.of(disk.capacitySectors(), config.readOnly() || disk.isReadOnly());
        this.executor = new RequestExecutor(name, disk, config.idBytes(), stats);
        fillConfigSpace();
    }

    private void fillConfigSpace() {
        ConfigSpace configSpace = configSpace();
        configSpace.putU64(VirtioBlk.CFG_CAPACITY, limits.capacitySectors());
        configSpace.putU32(VirtioBlk.CFG_SIZE_MAX, SIZE_MAX);
        // Linux adds the header and status to the data segments: leave room for both.
        configSpace.putU32(VirtioBlk.CFG_SEG_MAX, config.queueSize() - 2);
        configSpace.putU32(VirtioBlk.CFG_BLK_SIZE, VirtioBlk.SECTOR_SIZE);
        configSpace.putU32(VirtioBlk.CFG_MAX_DISCARD_SECTORS, limits.maxDiscardSectors());
        configSpace.putU32(VirtioBlk.CFG_MAX_DISCARD_SEG, limits.maxDiscardSegments());
        configSpace.putU32(VirtioBlk.CFG_DISCARD_SECTOR_ALIGNMENT, DISCARD_ALIGNMENT_SECTORS);
        configSpace.putU32(VirtioBlk.CFG_MAX_WRITE_ZEROES_SECTORS, limits.maxWriteZeroesSectors());
        configSpace.putU32(VirtioBlk.CFG_MAX_WRITE_ZEROES_SEG, limits.maxWriteZeroesSegments());
        configSpace.putU8(VirtioBlk.CFG_WRITE_ZEROES_MAY_UNMAP, 1);
    }

    @Override
    public int deviceType() {
        return DeviceType.BLOCK;
    }

    @Override
    public long offeredFeatures() {
        long features = RING_FEATURES
                | VirtioFeatures.bit(VirtioBlk.F_SIZE_MAX)
                | VirtioFeatures.bit(VirtioBlk.F_SEG_MAX)
                | VirtioFeatures.bit(VirtioBlk.F_BLK_SIZE)
                | VirtioFeatures.bit(VirtioBlk.F_FLUSH);
        if (limits.readOnly()) {
            return features | VirtioFeatures.bit(VirtioBlk.F_RO);
        }
        return features | VirtioFeatures.bit(VirtioBlk.F_DISCARD) | VirtioFeatures.bit(VirtioBlk.F_WRITE_ZEROES);
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize(int index) {
        return config.queueSize();
    }

    /** The disk's limits (capacity, read-only, discard limits). */
    public DiskLimits limits() {
        return limits;
    }

    /** Request and byte counters, for benchmarks. */
    public BlockStats stats() {
        return stats;
    }

    @Override
    public void processQueue(int index) {
        Activation active = activation();
        if (active == null || index != 0) {
            return;
        }
        GuestMemory memory = active.memory();
        if (QueueDrain.drain(active.queue(0), memory, chain, request -> handle(request, memory))) {
            stats.interrupt();
            active.signals().usedBuffers();
        }
    }

    /** Parses and runs one request; returns the number of bytes written into the chain. */
    private int handle(DescriptorChain request, GuestMemory memory) {
        stats.request();
        ParseResult result = BlockRequestParser.parse(request, memory, limits);
        try {
            return switch (result) {
                case ParseResult.Valid valid -> complete(valid.request(), memory);
                case ParseResult.Rejected rejected -> {
                    stats.error();
                    GUEST_LOG.warn("{}: the guest gave us a bad request: {}", name(), rejected.reason());
                    memory.writeU8(rejected.statusAddress(), (byte) rejected.status());
                    yield 1;
                }
                case ParseResult.Unanswerable unanswerable -> {
                    stats.error();
                    GUEST_LOG.warn("{}: the guest gave us a request we cannot answer: {}", name(), unanswerable.reason());
                    yield 0;
                }
            };
        } catch (GuestMemoryException e) {
            // The chain was validated against guest RAM; only a RAM layout change gets here.
            stats.error();
            GUEST_LOG.warn("{}: request buffers left guest RAM: {}", name(), e.getMessage());
            return 0;
        }
    }

    private int complete(BlockRequest request, GuestMemory memory) {
        int status = executor.execute(request, memory);
        if (status != VirtioBlk.S_OK) {
            stats.error();
        }
        memory.writeU8(request.status(), (byte) status);
        boolean wroteData = status == VirtioBlk.S_OK
                && (request.type() == VirtioBlk.T_IN || request.type() == VirtioBlk.T_GET_ID);
        return (int) (wroteData ? request.dataLength() + 1 : 1);
    }

    @Override
    public void close() {
        disk.close();
    }

    @Override
    public String toString() {
        return "BlockDevice[%s, %s, %d sectors%s]".formatted(name(), disk.path(), limits.capacitySectors(),
                limits.readOnly() ? ", read-only" : "");
    }
}
