package jvmm.virtio.balloon;

import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.BasicDevice;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.device.QueueDrain;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.ChainReader;
import jvmm.virtio.queue.ChainTooShortException;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;
import org.apache.logging.log4j.LogManager;

/**
 * The virtio memory balloon (virtio 1.2, 5.5).
 *
 * <p>The host sets a target ({@code num_pages}, from {@link BalloonConfig#amountBytes()} at boot
 * and {@link #setTarget} at run time, which raises a configuration change interrupt); the guest
 * driver allocates that many 4 KiB pages and sends their PFNs on the inflate queue, and the device
 * discards them ({@link GuestMemory#discard}: MADV_DONTNEED on the VMM's mapping), so the VMM's RSS
 * drops. Deflated pages need nothing: the guest's next touch faults in a zero page. PFNs outside
 * guest RAM are refused (counted and logged, rate-limited), never obeyed.
 *
 * <p>Optional, as {@link BalloonConfig} says: the statistics queue (the device keeps the guest's
 * buffer and hands it back on each {@link #pollStats()}, which the VMM calls every polling
 * interval; the guest then refills and returns it, and {@link #latestStats()} has the values),
 * DEFLATE_ON_OOM (guest behaviour only), and free page reporting (every range on the reporting
 * queue is discarded).
 *
 * <p>Queue numbers follow Linux, which skips absent queues: inflate 0, deflate 1, then stats if
 * negotiated, then reporting if negotiated (so reporting is queue 2 when stats are off).
 */
public final class BalloonDevice extends BasicDevice {

    public static final int INFLATEQ = 0;
    public static final int DEFLATEQ = 1;

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(BalloonDevice.class), TimeUnit.SECONDS.toNanos(5), 10);
    private static final int QUEUE_SIZE = 256;
    private static final int NO_HEAD = -1;

    private final BalloonConfig config;
    private final DescriptorChain chain = new DescriptorChain(4);
    private final AtomicLong inflatedPages = new AtomicLong();
    private final AtomicLong deflatedPages = new AtomicLong();
    private final AtomicLong refusedPfns = new AtomicLong();
    private final AtomicLong reportedBytes = new AtomicLong();
    private final AtomicBoolean statsWanted = new AtomicBoolean();
    private volatile long targetPages;
    private volatile BalloonStats latestStats;
    /** The stats buffer the device holds until the next poll; queue thread only (reset excludes it). */
    private int heldStatsHead = NO_HEAD;

    /** A balloon device; {@code name} (e.g. "balloon0") names it in logs. */
    public BalloonDevice(String name, BalloonConfig config) {
        super(name, VirtioBalloon.CONFIG_SIZE);
        this.config = config;
        this.targetPages = config.amountPages();
        configSpace().putU32(VirtioBalloon.CFG_NUM_PAGES, targetPages);
    }

    /** What the balloon was created with. */
    public BalloonConfig config() {
        return config;
    }

    /**
     * Sets the balloon's target to {@code bytes} (rounded down to 4 KiB pages) and, if the driver
     * is running, raises a configuration change interrupt so it inflates or deflates. Thread-safe.
     */
    public void setTarget(long bytes) {
        BalloonConfig.checkAmount(bytes);
        targetPages = bytes >>> VirtioBalloon.PFN_SHIFT;
        configSpace().putU32(VirtioBalloon.CFG_NUM_PAGES, targetPages);
        Activation active = activation();
        if (active != null) {
            active.signals().configChanged();
        }
    }

    /** The target (num_pages) in bytes. */
    public long targetBytes() {
        return targetPages << VirtioBalloon.PFN_SHIFT;
    }

    /** The balloon's size as the driver last reported it (actual), in bytes. */
    public long actualBytes() {
        byte[] actual = new byte[4];
        configSpace().read(VirtioBalloon.CFG_ACTUAL, actual);
        return ConfigSpace.decodeLe(actual) << VirtioBalloon.PFN_SHIFT;
    }

    /** The statistics of the guest's last stats buffer, or null before the first one. */
    public BalloonStats latestStats() {
        return latestStats;
    }

    /** What the device did so far, for the API and tests. */
    public Counters counters() {
        return new Counters(inflatedPages.get(), deflatedPages.get(), refusedPfns.get(), reportedBytes.get());
    }

    /**
     * Page counts since the device was created.
     *
     * @param inflatedPages pages the guest inflated and the host discarded
     * @param deflatedPages pages the guest took back
     * @param refusedPfns PFNs outside guest RAM that the device ignored
     * @param reportedBytes bytes of free page reports discarded
     */
    public record Counters(long inflatedPages, long deflatedPages, long refusedPfns, long reportedBytes) {
    }

    /**
     * Asks the guest for fresh statistics: the held stats buffer goes back to the guest, which
     * refills and returns it. The VMM calls this every stats interval; thread-safe, and a no-op
     * without a running stats queue.
     */
    public void pollStats() {
        Activation active = activation();
        if (active == null) {
            return;
        }
        int statsQueue = statsQueue(active);
        if (statsQueue >= 0) {
            statsWanted.set(true);
            active.signals().requestService(statsQueue);
        }
    }

    @Override
    public int deviceType() {
        return DeviceType.BALLOON;
    }

    @Override
    public long offeredFeatures() {
        long features = RING_FEATURES;
        if (config.stats()) {
            features |= VirtioFeatures.bit(VirtioBalloon.F_STATS_VQ);
        }
        if (config.deflateOnOom()) {
            features |= VirtioFeatures.bit(VirtioBalloon.F_DEFLATE_ON_OOM);
        }
        if (config.freePageReporting()) {
            features |= VirtioFeatures.bit(VirtioBalloon.F_PAGE_REPORTING);
        }
        return features;
    }

    @Override
    public int queueCount() {
        return 2 + (config.stats() ? 1 : 0) + (config.freePageReporting() ? 1 : 0);
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    /** The stats queue's index under {@code active}'s features, or -1. */
    private static int statsQueue(Activation active) {
        return active.negotiated(VirtioBalloon.F_STATS_VQ) ? 2 : -1;
    }

    /** The reporting queue's index under {@code active}'s features, or -1. */
    private static int reportingQueue(Activation active) {
        if (!active.negotiated(VirtioBalloon.F_PAGE_REPORTING)) {
            return -1;
        }
        return active.negotiated(VirtioBalloon.F_STATS_VQ) ? 3 : 2;
    }

    /** Only actual (le32 at offset 4) is the driver's to write. */
    @Override
    public void writeConfig(long offset, byte[] data) {
        if (offset != VirtioBalloon.CFG_ACTUAL || data.length != 4) {
            super.writeConfig(offset, data);
            return;
        }
        configSpace().putU32(VirtioBalloon.CFG_ACTUAL, ConfigSpace.decodeLe(data));
    }

    @Override
    public void processQueue(int index) {
        Activation active = activation();
        if (active == null) {
            return;
        }
        GuestMemory memory = active.memory();
        Queue queue = active.queue(index);
        boolean notify;
        if (index == INFLATEQ) {
            notify = QueueDrain.drain(queue, memory, chain, pfns -> pages(pfns, memory, true));
        } else if (index == DEFLATEQ) {
            notify = QueueDrain.drain(queue, memory, chain, pfns -> pages(pfns, memory, false));
        } else if (index == statsQueue(active)) {
            notify = stats(queue, memory);
        } else if (index == reportingQueue(active)) {
            notify = QueueDrain.drain(queue, memory, chain, report -> report(report, memory));
        } else {
            // A queue the negotiated features leave out (the transport looks at every queue once
            // on DRIVER_OK): nothing to serve.
            return;
        }
        if (notify) {
            active.signals().usedBuffers();
        }
    }

    /**
     * One inflate or deflate buffer: little-endian u32 PFNs. Inflated pages are discarded;
     * deflated ones are only counted. PFNs outside RAM are refused. Returns 0 (nothing written).
     */
    private int pages(DescriptorChain pfns, GuestMemory memory, boolean inflate) {
        long bytes = pfns.readableLength();
        if (bytes % VirtioBalloon.PFN_SIZE != 0 || pfns.writableCount() > 0) {
            GUEST_LOG.warn("{}: the guest gave us a {} buffer of {} readable and {} writable bytes; "
                    + "only whole readable PFNs are used", name(), inflate ? "inflate" : "deflate", bytes,
                    pfns.writableLength());
        }
        var runs = new PageRuns(memory, inflate ? (start, length) -> discard(memory, start, length) : (start, length) -> { });
        AtomicLong counter = inflate ? inflatedPages : deflatedPages;
        ChainReader reader = pfns.reader(memory);
        try {
            for (long i = 0; i < bytes / VirtioBalloon.PFN_SIZE; i++) {
                long pfn = Integer.toUnsignedLong(reader.readU32());
                long address = pfn << VirtioBalloon.PFN_SHIFT;
                if (!memory.contains(GuestAddress.of(address), VirtioBalloon.PAGE_SIZE)) {
                    refusedPfns.incrementAndGet();
                    GUEST_LOG.warn("{}: the guest gave us PFN 0x{} ({}), outside guest RAM; refused",
                            name(), Long.toHexString(pfn), inflate ? "inflate" : "deflate");
                    continue;
                }
                runs.add(address);
                counter.incrementAndGet();
            }
        } catch (ChainTooShortException e) {
            throw new IllegalStateException("read no more than the readable length", e);
        }
        runs.flush();
        return 0;
    }

    /** Discards a validated page-aligned range of RAM; a failing madvise is logged, not thrown. */
    private void discard(GuestMemory memory, GuestAddress start, long length) {
        try {
            memory.discard(start, length);
        } catch (IllegalStateException e) {
            GUEST_LOG.warn("{}: could not discard [{}, +0x{}): {}", name(), start, Long.toHexString(length),
                    e.getMessage());
        }
    }

    /**
     * A free page report: every buffer (Linux makes them device-writable) is a free range of guest
     * RAM, which the ring core checked is inside RAM; its whole pages are discarded.
     */
    private int report(DescriptorChain report, GuestMemory memory) {
        for (int i = 0; i < report.size(); i++) {
            long from = report.address(i).value();
            long start = (from + VirtioBalloon.PAGE_SIZE - 1) & -VirtioBalloon.PAGE_SIZE;
            long end = (from + report.length(i)) & -VirtioBalloon.PAGE_SIZE;
            if (end > start) {
                discard(memory, GuestAddress.of(start), end - start);
                reportedBytes.addAndGet(end - start);
            }
        }
        return 0;
    }

    /**
     * The stats queue: a new buffer carries fresh statistics and is kept until the next poll
     * (a second buffer while one is held sends the older one back); a pending poll returns the
     * held one. Returns whether the driver should be interrupted.
     */
    private boolean stats(Queue queue, GuestMemory memory) {
        boolean used = false;
        do {
            queue.disableNotification(memory);
            while (queue.popInto(memory, chain)) {
                readStats(chain, memory);
                if (heldStatsHead != NO_HEAD) {
                    queue.addUsed(memory, heldStatsHead, 0);
                    used = true;
                }
                heldStatsHead = chain.head();
            }
        } while (queue.enableNotification(memory));
        // A poll while the guest holds the buffer is already being answered: drop it.
        if (statsWanted.getAndSet(false) && heldStatsHead != NO_HEAD) {
            queue.addUsed(memory, heldStatsHead, 0);
            heldStatsHead = NO_HEAD;
            used = true;
        }
        return used && queue.needsNotification(memory);
    }

    /** Reads the {tag, value} entries of a stats buffer into {@link #latestStats}. */
    private void readStats(DescriptorChain buffer, GuestMemory memory) {
        long bytes = buffer.readableLength();
        if (bytes % VirtioBalloon.STAT_SIZE != 0) {
            GUEST_LOG.warn("{}: the guest gave us a stats buffer of {} bytes, not whole {}-byte entries",
                    name(), bytes, VirtioBalloon.STAT_SIZE);
        }
        var values = new LinkedHashMap<Integer, Long>();
        ChainReader reader = buffer.reader(memory);
        try {
            for (long i = 0; i < bytes / VirtioBalloon.STAT_SIZE; i++) {
                int tag = Short.toUnsignedInt(reader.readU16());
                values.put(tag, reader.readU64());
            }
        } catch (ChainTooShortException e) {
            throw new IllegalStateException("read no more than the readable length", e);
        }
        latestStats = new BalloonStats(System.nanoTime(), values);
    }

    /** Forgets the held stats buffer (the queue is reset with it); the guest's balloon is gone. */
    @Override
    public void reset() {
        super.reset();
        heldStatsHead = NO_HEAD;
        statsWanted.set(false);
        configSpace().putU32(VirtioBalloon.CFG_ACTUAL, 0);
    }

    @Override
    public String toString() {
        return "BalloonDevice[%s, target %d pages, %s]".formatted(name(), targetPages, counters());
    }
}
