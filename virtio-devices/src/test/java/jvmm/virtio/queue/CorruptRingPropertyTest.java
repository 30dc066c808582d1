package jvmm.virtio.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.memory.GuestAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Mostly valid rings with a few random corruptions: whatever the guest scribbled, the device side
 * never escapes guest memory, never loops, writes only its used ring, and either hands out only
 * valid chains or ends in a clean broken state.
 */
class CorruptRingPropertyTest {

    /**
     * Write {@code width} bytes of {@code value} at {@code permille} thousandths into the area the
     * ring uses (descriptor table, avail ring, used ring, indirect tables).
     */
    record Corruption(int permille, int width, long value) {
    }

    @Provide
    Arbitrary<List<Corruption>> corruptions() {
        Arbitrary<Long> values = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(0, 64),                          // small indices, lengths, flags
                Arbitraries.of(0xFFFFL, 0xFFFF_FFFFL, RingFixture.RAM, RingFixture.RAM - 8, 7L, 16L, 24L));
        Arbitrary<Corruption> one = Combinators.combine(
                Arbitraries.integers().between(0, 999), Arbitraries.of(1, 2, 4, 8), values)
                .as(Corruption::new);
        return one.list().ofMinSize(0).ofMaxSize(4);
    }

    @Property(tries = 1000)
    void corruptedRingsNeverEscapeNeverLoopAndEndCleanly(
            @ForAll("corruptions") List<Corruption> corruptions, @ForAll @IntRange(min = 0, max = 4) int sizeLog2,
            @ForAll boolean eventIdx, @ForAll boolean indirect, @ForAll @IntRange(min = 1, max = 20) int buffers) {
        int size = 1 << sizeLog2;
        try (var f = new RingFixture(size, eventIdx, indirect)) {
            fillRing(f, buffers, indirect);
            for (Corruption c : corruptions) {
                corrupt(f, c);
            }
            var memory = new WatchedMemory(f.memory);
            var queue = f.queue;
            long usedStart = f.layout.usedRing().value();
            long usedEnd = usedStart + SplitRing.usedRingBytes(size);
            int popped = 0;
            var chain = new DescriptorChain();
            while (true) {
                long before = memory.accesses;
                boolean got = queue.popInto(memory, chain);
                // A pop reads the idx and an entry, then per descriptor two words and a range check;
                // a chain has at most size descriptors plus one indirect table of at most RAM/16.
                assertThat(memory.accesses - before).isLessThanOrEqualTo(8 + 3L * (size + RingFixture.RAM / 16));
                if (!got) {
                    break;
                }
                popped++;
                assertThat(popped).as("more chains than the ring can hold").isLessThanOrEqualTo(size);
                assertValid(chain, f);
                queue.addUsed(memory, chain.head(), (int) Math.min(chain.writableLength(), 1));
                queue.needsNotification(memory);
            }
            queue.enableNotification(memory);
            queue.disableNotification(memory);
            if (memory.writes > 0) {
                assertThat(memory.lowestWrite).isGreaterThanOrEqualTo(usedStart);
                assertThat(memory.highestWriteEnd).isLessThanOrEqualTo(usedEnd);
            }
            Statistics.label("outcome").collect(queue.isBroken() ? queue.brokenReason().name() : "valid");
            if (queue.isBroken()) {
                assertThat(f.breaks).containsExactly(queue.brokenReason());
                long writes = memory.writes;
                assertThat(queue.popInto(memory, chain)).isFalse();
                queue.addUsed(memory, 0, 0);
                assertThat(queue.needsNotification(memory)).isFalse();
                assertThat(queue.enableNotification(memory)).isFalse();
                assertThat(memory.writes).as("a broken queue writes nothing").isEqualTo(writes);
            } else {
                assertThat(f.breaks).isEmpty();
            }
        }
    }

    private static void fillRing(RingFixture f, int buffers, boolean indirect) {
        for (int i = 0; i < buffers && f.driver.numFree() > 0; i++) {
            var out = new ArrayList<Segment>();
            var in = new ArrayList<Segment>();
            for (int j = 0; j <= i % 3; j++) {
                out.add(RingFixture.seg(i * 256L + j * 16, 16));
            }
            if (i % 2 == 0) {
                in.add(RingFixture.seg(0x10000 + i * 256L, 64));
            }
            int needed = indirect && out.size() + in.size() > 1 ? 1 : out.size() + in.size();
            if (needed <= f.driver.numFree()) {
                f.driver.add(out, in, i);
            }
        }
    }

    /** Scribbles over the rings and indirect tables (offset from the descriptor table). */
    private static void corrupt(RingFixture f, Corruption c) {
        long area = f.layout.end().offsetFrom(f.layout.descTable());
        GuestAddress at = f.layout.descTable().checkedAdd(area * c.permille() / 1000);
        if (!f.memory.contains(at, c.width())) {
            return;
        }
        switch (c.width()) {
            case 1 -> f.memory.writeU8(at, (byte) c.value());
            case 2 -> f.memory.writeU16(at, (short) c.value());
            case 4 -> f.memory.writeU32(at, (int) c.value());
            default -> f.memory.writeU64(at, c.value());
        }
    }

    private static void assertValid(DescriptorChain chain, RingFixture f) {
        assertThat(chain.head()).isBetween(0, f.layout.size() - 1);
        long total = 0;
        for (int i = 0; i < chain.size(); i++) {
            Descriptor d = chain.descriptor(i);
            assertThat(f.memory.contains(d.address(), d.length())).isTrue();
            assertThat(d.writable()).isEqualTo(i >= chain.readableCount());
            total += d.length();
        }
        assertThat(total).isLessThanOrEqualTo(0xFFFF_FFFFL);
        assertThat(chain.size()).isLessThanOrEqualTo(f.layout.size() + 65536);
    }
}
