package jvmm.virtio.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jvmm.virtio.driver.RingLayout;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The block request parser against generated chains: mostly well-formed requests with random
 * framing (headers and data split over buffers, the status byte alone or sharing a buffer), and
 * now and then one corruption. Whatever comes in, the parser answers, and what it lets through
 * is safe to execute.
 */
class BlockRequestPropertyTest {

    private static final long CAPACITY = 2048;
    private static final GuestAddress RING = GuestAddress.of(0x1000);
    private static final long DATA = 0x40000;
    private static final int[] TYPES = {VirtioBlk.T_IN, VirtioBlk.T_OUT, VirtioBlk.T_FLUSH, VirtioBlk.T_GET_ID,
        VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES};

    enum Corruption { NONE, SHORT_HEADER, NO_STATUS, WRONG_DIRECTION, ODD_LENGTH, BAD_SECTOR, BAD_FLAGS, UNKNOWN_TYPE }

    record Spec(int typeIndex, long sector, int sectors, boolean readOnly, Corruption corruption, long seed) {
        int type() {
            return corruption == Corruption.UNKNOWN_TYPE ? 100 + typeIndex : TYPES[typeIndex];
        }
    }

    @Provide
    Arbitrary<Spec> requests() {
        Arbitrary<Corruption> corruption = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(80, Arbitraries.just(Corruption.NONE)),
                net.jqwik.api.Tuple.of(20, Arbitraries.of(Corruption.class)));
        return Combinators.combine(
                Arbitraries.integers().between(0, TYPES.length - 1),
                Arbitraries.longs().between(0, CAPACITY - 1),
                Arbitraries.integers().between(0, 16),
                Arbitraries.of(false, false, false, true),
                corruption,
                Arbitraries.longs()).as(Spec::new);
    }

    @Property(tries = 1500)
    void parserAnswersEveryChainSafely(@ForAll("requests") Spec spec) {
        try (Arena arena = Arena.ofConfined()) {
            var memory = SegmentGuestMemory.allocate(arena, 1 << 20);
            var queue = new Queue("prop.q0", 64);
            var layout = RingLayout.at(RING, 64);
            layout.configure(queue, false, true);
            var driver = new SplitQueueDriver(memory, layout, false, true, () -> { });
            var built = new ChainBuilder(memory, spec).build();
            driver.add(built.out(), built.in(), "request");
            DescriptorChain chain = queue.pop(memory).orElseThrow();
            var limits = DiskLimits.of(CAPACITY, spec.readOnly());

            ParseResult result = BlockRequestParser.parse(chain, memory, limits);

            checkInvariants(result, chain, limits, built);
            Statistics.label("outcome").collect(result.getClass().getSimpleName());
            Statistics.label("corruption").collect(spec.corruption());
        }
    }

    private static void checkInvariants(ParseResult result, DescriptorChain chain, DiskLimits limits, ChainBuilder.Built built) {
        Spec spec = built.spec();
        if (chain.writableLength() == 0) {
            assertThat(result).isInstanceOf(ParseResult.Unanswerable.class);
            return;
        }
        GuestAddress lastWritable = lastWritableByte(chain);
        switch (result) {
            case ParseResult.Unanswerable u -> throw new AssertionError("a chain with a writable byte went unanswered: " + u);
            case ParseResult.Rejected rejected -> {
                assertThat(rejected.statusAddress()).isEqualTo(lastWritable);
                assertThat(rejected.status()).isIn(VirtioBlk.S_IOERR, VirtioBlk.S_UNSUPP);
                assertThat(spec.corruption() != Corruption.NONE || spec.readOnly() || built.pastEnd())
                        .as("a well-formed request in range was rejected: %s", rejected.reason()).isTrue();
                if (spec.corruption() == Corruption.UNKNOWN_TYPE) {
                    assertThat(rejected.status()).isEqualTo(VirtioBlk.S_UNSUPP);
                }
            }
            case ParseResult.Valid valid -> {
                BlockRequest request = valid.request();
                assertThat(request.status()).isEqualTo(lastWritable);
                assertThat(request.type()).isIn(VirtioBlk.T_IN, VirtioBlk.T_OUT, VirtioBlk.T_FLUSH,
                        VirtioBlk.T_GET_ID, VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES);
                checkData(request, chain);
                checkBounds(request, limits);
                if (spec.corruption() == Corruption.NONE && !built.pastEnd()) {
                    assertThat(request.type()).isEqualTo(spec.type());
                    assertThat(request.dataLength()).isEqualTo(built.expectedDataLength());
                }
            }
        }
    }

    /** Data segments lie inside chain buffers of the right direction and never cover the status byte. */
    private static void checkData(BlockRequest request, DescriptorChain chain) {
        boolean toGuest = request.type() == VirtioBlk.T_IN || request.type() == VirtioBlk.T_GET_ID;
        long sum = 0;
        for (BlockRequest.DataSegment segment : request.data()) {
            assertThat(insideSomeBuffer(chain, segment, toGuest)).as("%s inside a %s buffer", segment,
                    toGuest ? "writable" : "readable").isTrue();
            long start = segment.address().value();
            assertThat(request.status().value() >= start && request.status().value() < start + segment.length())
                    .as("data covers the status byte").isFalse();
            sum += segment.length();
        }
        assertThat(sum).isEqualTo(request.dataLength());
        if (request.type() == VirtioBlk.T_OUT) {
            assertThat(sum).isLessThanOrEqualTo(chain.readableLength() - VirtioBlk.HEADER_SIZE);
        }
    }

    private static void checkBounds(BlockRequest request, DiskLimits limits) {
        if (request.type() == VirtioBlk.T_IN || request.type() == VirtioBlk.T_OUT) {
            assertThat(request.dataLength() % VirtioBlk.SECTOR_SIZE).isZero();
            assertThat(limits.contains(request.sector(), request.dataLength() / VirtioBlk.SECTOR_SIZE)).isTrue();
        }
        boolean writes = request.type() == VirtioBlk.T_OUT || request.type() == VirtioBlk.T_DISCARD
                || request.type() == VirtioBlk.T_WRITE_ZEROES;
        assertThat(limits.readOnly() && writes).as("a write to a read-only disk got through").isFalse();
        for (BlockRequest.Range range : request.ranges()) {
            assertThat(limits.contains(range.sector(), range.sectors())).isTrue();
        }
    }

    private static boolean insideSomeBuffer(DescriptorChain chain, BlockRequest.DataSegment segment, boolean writable) {
        for (int i = 0; i < chain.size(); i++) {
            long start = chain.address(i).value();
            if (chain.isWritable(i) == writable && segment.address().value() >= start
                    && segment.address().value() + segment.length() <= start + chain.length(i)) {
                return true;
            }
        }
        return false;
    }

    private static GuestAddress lastWritableByte(DescriptorChain chain) {
        for (int i = chain.size() - 1; i >= chain.readableCount(); i--) {
            if (chain.length(i) > 0) {
                return chain.address(i).checkedAdd(chain.length(i) - 1);
            }
        }
        throw new AssertionError("no writable byte");
    }

    /** Lays a request for a {@link Spec} out in guest memory, split into buffers at random. */
    private static final class ChainBuilder {

        record Built(Spec spec, List<Segment> out, List<Segment> in, long expectedDataLength, boolean pastEnd) {
        }

        private final SegmentGuestMemory memory;
        private final Spec spec;
        private final Random random;
        private long next = DATA;

        ChainBuilder(SegmentGuestMemory memory, Spec spec) {
            this.memory = memory;
            this.spec = spec;
            this.random = new Random(spec.seed());
        }

        Built build() {
            int type = spec.type();
            long sector = spec.corruption() == Corruption.BAD_SECTOR ? CAPACITY + spec.sector() : spec.sector();
            byte[] payload = payload(type);
            boolean pastEnd = (type == VirtioBlk.T_IN || type == VirtioBlk.T_OUT)
                    && sector + payload.length / VirtioBlk.SECTOR_SIZE > CAPACITY;
            boolean dataOut = type != VirtioBlk.T_IN && type != VirtioBlk.T_GET_ID;
            if (spec.corruption() == Corruption.WRONG_DIRECTION) {
                dataOut = !dataOut;
            }
            byte[] header = new byte[VirtioBlk.HEADER_SIZE];
            putLe(header, 0, type, 4);
            putLe(header, 8, sector, 8);
            if (spec.corruption() == Corruption.SHORT_HEADER) {
                header = java.util.Arrays.copyOf(header, random.nextInt(VirtioBlk.HEADER_SIZE));
            }
            var out = new ArrayList<Segment>(split(header));
            var in = new ArrayList<Segment>();
            if (dataOut) {
                out.addAll(split(payload));
            } else {
                in.addAll(split(new byte[payload.length]));
            }
            if (spec.corruption() != Corruption.NO_STATUS) {
                addStatus(in);
            }
            if (out.isEmpty() && in.isEmpty()) {
                out.add(place(new byte[1]));
            }
            return new Built(spec, out, in, type == VirtioBlk.T_GET_ID ? Math.min(payload.length, 20)
                    : type == VirtioBlk.T_IN || type == VirtioBlk.T_OUT ? payload.length : 0, pastEnd);
        }

        /** The data of the request: sectors for IN/OUT, ranges for DISCARD/WRITE_ZEROES, an id buffer. */
        private byte[] payload(int type) {
            int odd = spec.corruption() == Corruption.ODD_LENGTH ? 1 + random.nextInt(511) : 0;
            return switch (type) {
                case VirtioBlk.T_IN, VirtioBlk.T_OUT -> new byte[spec.sectors() * VirtioBlk.SECTOR_SIZE + odd];
                case VirtioBlk.T_GET_ID -> new byte[20 + odd];
                case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES -> ranges(type, odd);
                default -> new byte[odd];
            };
        }

        private byte[] ranges(int type, int odd) {
            int count = 1 + random.nextInt(3);
            byte[] bytes = new byte[count * VirtioBlk.RANGE_SIZE + (odd % 16)];
            for (int i = 0; i < count; i++) {
                long start = random.nextLong(CAPACITY);
                long sectors = random.nextLong(CAPACITY - start + 1);
                if (spec.corruption() == Corruption.BAD_SECTOR) {
                    start = CAPACITY + start;
                }
                int flags = type == VirtioBlk.T_WRITE_ZEROES ? random.nextInt(2) : 0;
                if (spec.corruption() == Corruption.BAD_FLAGS) {
                    flags |= 2 << random.nextInt(30);
                }
                putLe(bytes, i * 16, start, 8);
                putLe(bytes, i * 16 + 8, sectors, 4);
                putLe(bytes, i * 16 + 12, flags, 4);
            }
            return bytes;
        }

        /** The status byte alone, or appended to the last writable buffer when that one directly precedes it. */
        private void addStatus(List<Segment> in) {
            if (!in.isEmpty() && random.nextBoolean()) {
                Segment last = in.removeLast();
                in.add(new Segment(last.address(), last.length() + 1));
                next++;
            } else {
                in.add(place(new byte[1]));
            }
        }

        /** Splits bytes into 1..3 buffers at random points (empty input gives no buffers). */
        private List<Segment> split(byte[] bytes) {
            var segments = new ArrayList<Segment>();
            int pos = 0;
            int pieces = 1 + random.nextInt(3);
            for (int i = 0; i < pieces && pos < bytes.length; i++) {
                int len = i == pieces - 1 ? bytes.length - pos : 1 + random.nextInt(bytes.length - pos);
                segments.add(place(java.util.Arrays.copyOfRange(bytes, pos, pos + len)));
                pos += len;
            }
            return segments;
        }

        /** Writes bytes at the next free address (leaving no gap, so a status byte can extend a buffer). */
        private Segment place(byte[] bytes) {
            var at = GuestAddress.of(next);
            memory.write(at, bytes);
            next += bytes.length;
            return new Segment(at, bytes.length);
        }

        private static void putLe(byte[] bytes, int offset, long value, int width) {
            for (int i = 0; i < width; i++) {
                bytes[offset + i] = (byte) (value >>> (8 * i));
            }
        }
    }
}
