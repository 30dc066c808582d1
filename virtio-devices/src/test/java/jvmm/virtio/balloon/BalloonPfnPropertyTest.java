package jvmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.memory.GuestAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Inflate and deflate buffers as a guest might send them: mostly PFNs of balloonable RAM, now and
 * then one outside guest RAM, split over one to four descriptors at any byte. Whatever comes in,
 * exactly the in-RAM pages of an inflate are discarded, every outside PFN is refused, nothing
 * else in guest memory changes, and the buffer goes back.
 */
class BalloonPfnPropertyTest {

    private static final long PAGE = 4096;
    private static final long FIRST_PFN = 3 << 8;
    private static final int PFNS = 256;
    private static final long RAM_PAGES = DeviceHarness.RAM / PAGE;
    private static final byte PATTERN = 0x3c;

    record Spec(boolean inflate, List<Long> pfns, List<Integer> cuts) {
    }

    @Provide
    Arbitrary<Spec> buffers() {
        Arbitrary<Long> pfn = Arbitraries.frequencyOf(
                Tuple.of(85, Arbitraries.longs().between(FIRST_PFN, FIRST_PFN + PFNS - 1)),
                Tuple.of(15, Arbitraries.longs().between(RAM_PAGES, 0xFFFF_FFFFL)));
        return Combinators.combine(
                Arbitraries.of(true, true, false),
                pfn.list().ofMinSize(1).ofMaxSize(64),
                Arbitraries.integers().between(1, 255).list().ofMaxSize(3)).as(Spec::new);
    }

    @Property(tries = 300)
    void exactlyTheInRamPagesOfAnInflateAreDiscarded(@ForAll("buffers") Spec spec) {
        var balloon = new BalloonDevice("balloon0", BalloonConfig.empty());
        try (var harness = new DeviceHarness(balloon)) {
            var memory = harness.memory;
            harness.driver.init(VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1), 16);
            memory.fill(GuestAddress.of(FIRST_PFN * PAGE), PFNS * PAGE, PATTERN);
            memory.fill(DeviceHarness.data(0x10000), PAGE, PATTERN);
            int bytes = 4 * spec.pfns().size();
            for (int i = 0; i < spec.pfns().size(); i++) {
                memory.writeU32(DeviceHarness.data(4L * i), spec.pfns().get(i).intValue());
            }
            int queue = spec.inflate() ? BalloonDevice.INFLATEQ : BalloonDevice.DEFLATEQ;
            SplitQueueDriver q = harness.driver.queue(queue);

            q.add(segments(bytes, spec.cuts()), List.of(), "pfns");
            q.kick();

            assertThat(q.getBuf()).isEqualTo(new UsedBuffer("pfns", 0));
            Set<Long> inRam = new HashSet<>();
            long outside = 0;
            for (long pfn : spec.pfns()) {
                if (pfn < RAM_PAGES) {
                    inRam.add(pfn);
                } else {
                    outside++;
                }
            }
            BalloonDevice.Counters counters = balloon.counters();
            assertThat(counters.refusedPfns()).isEqualTo(outside);
            assertThat(spec.inflate() ? counters.inflatedPages() : counters.deflatedPages())
                    .isEqualTo(spec.pfns().size() - outside);
            for (long pfn = FIRST_PFN; pfn < FIRST_PFN + PFNS; pfn++) {
                byte expected = spec.inflate() && inRam.contains(pfn) ? 0 : PATTERN;
                GuestAddress page = GuestAddress.of(pfn * PAGE);
                assertThat(memory.readU8(page)).as("page 0x%x", pfn).isEqualTo(expected);
                assertThat(memory.readU8(page.checkedAdd(PAGE - 1))).as("end of page 0x%x", pfn).isEqualTo(expected);
            }
            assertThat(memory.readU8(DeviceHarness.data(0x10000 + PAGE - 1))).isEqualTo(PATTERN);
        }
    }

    /** The {@code bytes} of the PFN array split at the distinct {@code cuts} that fall inside it. */
    private static List<Segment> segments(int bytes, List<Integer> cuts) {
        List<Integer> points = cuts.stream().filter(c -> c < bytes).distinct().sorted().toList();
        var segments = new ArrayList<Segment>();
        int from = 0;
        for (int cut : points) {
            segments.add(DeviceHarness.segment(from, cut - from));
            from = cut;
        }
        segments.add(DeviceHarness.segment(from, bytes - from));
        return segments;
    }
}
