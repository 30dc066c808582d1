package jvmm.virtio.net;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Iovecs;
import jvmm.kvm.sys.Libc;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.device.FdWatch;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.ChainTooShortException;
import jvmm.virtio.queue.ChainWriter;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;

/**
 * The receive path: frames from the backend straight into the guest's receive buffers.
 *
 * <p>Chains are popped before a frame is read and held until a frame fills them, since the size
 * of the next frame is unknown until it is read. Without VIRTIO_NET_F_MRG_RXBUF each frame goes
 * into one chain; with it, the device holds chains until together they can take the largest frame
 * the driver may get, reads into all of them with one readv, and hands back as many as the
 * frame filled (num_buffers in the header), published together; the rest wait for the next
 * frame. A frame larger than what was offered is dropped and the chains stay held.
 *
 * <p>Backpressure: when the guest has no buffers the device stops watching the backend fd, so
 * frames wait in the host (the TAP's queue, and then its senders), and watches again when a kick
 * of the receive queue brings buffers. Nothing is read that cannot be delivered.
 *
 * <p>Runs on the queue thread only.
 */
final class Receiver {

    /** Frames per service; then the event loop serves other fds and comes back (level-triggered). */
    private static final int BUDGET = 64;

    private final String name;
    private final NetBackend backend;
    private final NetStats stats;
    private final RateLimitedLog guestLog;
    private final ArrayDeque<DescriptorChain> held = new ArrayDeque<>();
    private final ArrayDeque<DescriptorChain> spare = new ArrayDeque<>();
    private long heldCapacity;
    /**
     * The held chains' buffers as native iovecs, in order, at {@code [iovStart, iovEnd)}: set once
     * when a chain is popped, so a frame's readv builds nothing. Up to two reads' worth, so the
     * run is moved back to the front only now and then.
     */
    private final Iovecs iov = new Iovecs(2 * Libc.IOV_MAX);
    private int iovStart;
    private int iovEnd;
    private FdWatch watch = watched -> { };
    private int[] heads = new int[8];
    private int[] lens = new int[8];

    Receiver(String name, NetBackend backend, NetStats stats, RateLimitedLog guestLog) {
        this.name = name;
        this.backend = backend;
        this.stats = stats;
        this.guestLog = guestLog;
    }

    void connect(FdWatch fdWatch) {
        this.watch = fdWatch;
    }

    /** The driver reset the device: held chains are gone with the ring, the backend is not read. */
    void reset() {
        watch.setWatched(false);
        spare.addAll(held);
        held.clear();
        heldCapacity = 0;
        iovStart = 0;
        iovEnd = 0;
    }

    /** Chains popped and waiting for a frame (for tests). */
    int heldChains() {
        return held.size();
    }

    /**
     * Moves frames while both the backend has them and the guest has room.
     *
     * @return whether chains were completed (the caller then asks about an interrupt)
     */
    boolean service(Queue queue, GuestMemory memory, boolean mergeable, int maxFrame) {
        boolean completed = false;
        queue.disableNotification(memory);
        for (int frames = 0; frames < BUDGET; frames++) {
            Fill fill = fill(queue, memory, mergeable, maxFrame);
            completed |= fill.returnedBad;
            if (!fill.ready) {
                watch.setWatched(false);
                return completed;
            }
            int entries = offeredIovecs(mergeable);
            long length;
            try {
                length = backend.receive(iov, iovStart, entries);
            } catch (ErrnoException e) {
                guestLog.warn("{}: reading a frame from {} failed: {}; not reading until the next receive kick",
                        name, backend, e.getMessage());
                watch.setWatched(false);
                return completed;
            }
            if (length < 0) {
                watch.setWatched(true);
                return completed;
            }
            completed |= deliver(queue, memory, length, offeredCapacity(entries));
        }
        watch.setWatched(true);
        return completed;
    }

    private record Fill(boolean ready, boolean returnedBad) {
    }

    /**
     * Pops chains until one (or, merging, enough for {@code maxFrame}, a whole ring's worth, or
     * IOV_MAX buffers) is held. Unusable chains go straight back with length 0. Not ready: the
     * guest has no more buffers, and notifications are enabled so its next buffer kicks us.
     */
    private Fill fill(Queue queue, GuestMemory memory, boolean mergeable, int maxFrame) {
        boolean returnedBad = false;
        while (held.isEmpty()
                || mergeable && heldCapacity < maxFrame && held.size() < queue.size() && iovEnd - iovStart < Libc.IOV_MAX) {
            DescriptorChain chain = spare.isEmpty() ? new DescriptorChain(4) : spare.poll();
            if (queue.popInto(memory, chain)) {
                if (usable(chain)) {
                    hold(chain, memory);
                } else {
                    queue.addUsed(memory, chain.head(), 0);
                    spare.add(chain);
                    returnedBad = true;
                }
                continue;
            }
            spare.add(chain);
            if (!queue.enableNotification(memory)) {
                return new Fill(false, returnedBad);
            }
            queue.disableNotification(memory);
        }
        return new Fill(true, returnedBad);
    }

    /** A receive chain must be device-writable only and hold at least the header (5.1.6.3). */
    private boolean usable(DescriptorChain chain) {
        if (chain.readableCount() > 0) {
            stats.badRxBuffer();
            guestLog.warn("{}: the guest gave us a receive buffer with {} device-readable descriptors; returned unused",
                    name, chain.readableCount());
            return false;
        }
        if (chain.writableCount() > Libc.IOV_MAX) {
            stats.badRxBuffer();
            guestLog.warn("{}: the guest gave us a receive buffer of {} descriptors, more than one read takes ({}); "
                    + "returned unused", name, chain.writableCount(), Libc.IOV_MAX);
            return false;
        }
        if (chain.writableLength() < VirtioNet.HEADER_SIZE) {
            stats.badRxBuffer();
            guestLog.warn("{}: the guest gave us a receive buffer of {} bytes, less than the {}-byte header; "
                    + "returned unused", name, chain.writableLength(), VirtioNet.HEADER_SIZE);
            return false;
        }
        return true;
    }

    /** Queues {@code chain} behind the held ones, its buffers behind theirs in the iovec run. */
    private void hold(DescriptorChain chain, GuestMemory memory) {
        int entries = chain.writableCount();
        if (iovEnd + entries > iov.capacity()) {
            // Fits after the move: chains are held only while fewer than IOV_MAX entries are,
            // and a usable chain has at most IOV_MAX.
            int live = iovEnd - iovStart;
            iov.move(iovStart, 0, live);
            iovStart = 0;
            iovEnd = live;
        }
        for (int i = chain.readableCount(); i < chain.size(); i++) {
            iov.set(iovEnd++, memory.slice(chain.address(i), chain.length(i)));
        }
        held.add(chain);
        heldCapacity += chain.writableLength();
    }

    /**
     * How many iovec entries, from the first held chain's, one readv gets: one chain without
     * merging; with it, the held chains whose buffers fit in IOV_MAX entries together (all of
     * them, but for guests with many tiny buffers).
     */
    private int offeredIovecs(boolean mergeable) {
        if (!mergeable) {
            return held.peek().writableCount();
        }
        int live = iovEnd - iovStart;
        if (live <= Libc.IOV_MAX) {
            return live;
        }
        int entries = 0;
        for (DescriptorChain chain : held) {
            if (entries + chain.writableCount() > Libc.IOV_MAX) {
                break;
            }
            entries += chain.writableCount();
        }
        return entries;
    }

    /** The bytes the first {@code entries} iovecs hold. */
    private long offeredCapacity(int entries) {
        if (entries == iovEnd - iovStart) {
            return heldCapacity;
        }
        long bytes = 0;
        for (int i = 0; i < entries; i++) {
            bytes += iov.length(iovStart + i);
        }
        return bytes;
    }

    /**
     * Completes the chains a frame of {@code length} bytes filled, or drops the frame when it was
     * larger than the {@code capacity} offered to the read.
     */
    private boolean deliver(Queue queue, GuestMemory memory, long length, long capacity) {
        if (length < VirtioNet.HEADER_SIZE || length > capacity) {
            stats.rxDrop();
            guestLog.warn("{}: dropped a {}-byte frame from {}: the guest's receive buffers hold {} bytes",
                    name, length, backend, capacity);
            return false;
        }
        int used = 0;
        long left = length;
        Iterator<DescriptorChain> it = held.iterator();
        while (left > 0) {
            DescriptorChain chain = it.next();
            long part = Math.min(left, chain.writableLength());
            if (used == heads.length) {
                heads = Arrays.copyOf(heads, used * 2);
                lens = Arrays.copyOf(lens, used * 2);
            }
            heads[used] = chain.head();
            lens[used] = (int) part;
            used++;
            left -= part;
        }
        writeNumBuffers(held.peek(), memory, used);
        for (int i = 0; i < used; i++) {
            DescriptorChain chain = held.poll();
            heldCapacity -= chain.writableLength();
            iovStart += chain.writableCount();
            spare.add(chain);
        }
        queue.addUsed(memory, heads, lens, used);
        stats.received(length);
        return true;
    }

    /** The TAP leaves num_buffers as it found it: the device fills it in (1 unless merging). */
    private static void writeNumBuffers(DescriptorChain first, GuestMemory memory, int count) {
        ChainWriter writer = first.writer(memory);
        try {
            writer.skip(VirtioNet.HEADER_NUM_BUFFERS);
            writer.writeU16((short) count);
        } catch (ChainTooShortException e) {
            throw new IllegalStateException("a held chain is shorter than the header", e);
        }
    }
}
