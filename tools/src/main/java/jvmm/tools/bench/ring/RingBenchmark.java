package jvmm.tools.bench.ring;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jvmm.virtio.driver.RingLayout;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;
import jvmm.virtio.queue.SplitRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The device side's round trip, {@link Queue#popInto} then {@link Queue#addUsed}, on chains of the
 * three shapes devices see: one buffer (net tx, console), a block request (16-byte header, 4 KiB
 * data, 1-byte status) and a 16-entry indirect table.
 *
 * <p>A real driver fills the ring once; after that the avail ring holds valid heads in every slot,
 * so "the driver makes one more buffer available" is a single release store of avail idx per
 * operation. Chains are popped again without the driver reclaiming them: the device side never
 * looks at what the driver does with used entries, so this measures the device's cost alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingBenchmark {

    private static final int SIZE = 256;
    private static final long DATA = 0x100000;

    @Param({"direct1", "block3", "indirect16"})
    public String shape;

    private Arena arena;
    private SegmentGuestMemory memory;
    private Queue queue;
    private GuestAddress availIdxAddress;
    private final DescriptorChain chain = new DescriptorChain(16);
    private int availIdx;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        memory = SegmentGuestMemory.allocate(arena, 4 << 20);
        RingLayout layout = RingLayout.at(GuestAddress.of(0x1000), SIZE, 16);
        boolean indirect = shape.equals("indirect16");
        var driver = new SplitQueueDriver(memory, layout, true, indirect, () -> { });
        int chains = 0;
        while (driver.numFree() >= segments(shape).size() || (indirect && driver.numFree() > 0)) {
            var segs = segments(shape);
            driver.add(segs.subList(0, readable(shape)), segs.subList(readable(shape), segs.size()), chains++);
        }
        availIdx = driver.availIdx();
        // Make every avail slot name a valid head, cycling over the chains the driver built.
        for (int slot = chains; slot < SIZE; slot++) {
            short head = memory.readU16(layout.availRing().checkedAdd(SplitRing.RING_ENTRIES + 2L * (slot % chains)));
            memory.writeU16(layout.availRing().checkedAdd(SplitRing.RING_ENTRIES + 2L * slot), head);
        }
        availIdxAddress = layout.availRing().checkedAdd(SplitRing.RING_IDX);
        queue = new Queue("bench", SIZE);
        layout.configure(queue, true, indirect);
    }

    private static List<Segment> segments(String shape) {
        return switch (shape) {
            case "direct1" -> List.of(Segment.of(DATA, 1500));
            case "block3" -> List.of(Segment.of(DATA, 16), Segment.of(DATA + 4096, 4096), Segment.of(DATA + 16, 1));
            case "indirect16" -> {
                var list = new ArrayList<Segment>();
                list.add(Segment.of(DATA, 16));
                for (int i = 0; i < 14; i++) {
                    list.add(Segment.of(DATA + 4096L * (i + 1), 4096));
                }
                list.add(Segment.of(DATA + 16, 1));
                yield list;
            }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
    }

    private static int readable(String shape) {
        return 1; // every shape starts with one device-readable buffer
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int popAddUsed() {
        if (!queue.popInto(memory, chain)) {
            throw new IllegalStateException("ring ran dry: " + queue);
        }
        queue.addUsed(memory, chain.head(), (int) chain.writableLength());
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.storeReleaseU16(availIdxAddress, (short) availIdx);
        return chain.size();
    }
}
