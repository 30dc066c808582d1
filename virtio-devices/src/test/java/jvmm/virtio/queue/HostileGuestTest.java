package jvmm.virtio.queue;

import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_INDIRECT;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_NEXT;
import static jvmm.virtio.queue.SplitRing.VIRTQ_DESC_F_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.stream.Stream;
import jvmm.virtio.driver.RawRing;
import jvmm.virtio.driver.RawRing.RawDescriptor;
import jvmm.virtio.memory.GuestAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each thing a hostile guest can get wrong breaks the queue with its own reason, and nothing else. */
class HostileGuestTest {

    private static final int SIZE = 8;
    private static final long DATA = RingFixture.DATA;
    private static final GuestAddress TABLE = GuestAddress.of(0x40000);

    /** A hand-made ring for each {@link QueueError} a chain can have, published at head 0. */
    static Consumer<RawRing> ringFor(QueueError error) {
        return switch (error) {
            case HEAD_OUT_OF_RANGE -> r -> r.publish(SIZE);
            case AVAIL_IDX_TOO_FAR -> r -> r.availIdx(SIZE + 1);
            case NEXT_OUT_OF_RANGE -> r -> r.descriptor(0, DATA, 8, VIRTQ_DESC_F_NEXT, SIZE).publish(0);
            case DESCRIPTOR_OUT_OF_RAM -> r -> r.descriptor(0, RingFixture.RAM - 4, 8, 0, 0).publish(0);
            case CHAIN_TOO_LONG -> r -> r.descriptor(0, DATA, 8, VIRTQ_DESC_F_NEXT, 0).publish(0);
            case READABLE_AFTER_WRITABLE -> r -> r.descriptor(0, DATA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1)
                    .descriptor(1, DATA, 8, 0, 0).publish(0);
            case INDIRECT_EMPTY -> r -> r.descriptor(0, TABLE.value(), 0, VIRTQ_DESC_F_INDIRECT, 0).publish(0);
            case INDIRECT_MISALIGNED -> r -> r.descriptor(0, TABLE.value(), 24, VIRTQ_DESC_F_INDIRECT, 0).publish(0);
            case INDIRECT_OUT_OF_RAM -> r -> r.descriptor(0, RingFixture.RAM - 16, 32, VIRTQ_DESC_F_INDIRECT, 0)
                    .publish(0);
            case NESTED_INDIRECT -> r -> r.table(TABLE, new RawDescriptor(TABLE.value(), 16, VIRTQ_DESC_F_INDIRECT, 0))
                    .descriptor(0, TABLE.value(), 16, VIRTQ_DESC_F_INDIRECT, 0).publish(0);
            case INDIRECT_WITH_NEXT -> r -> r.table(TABLE, new RawDescriptor(DATA, 8, 0, 0))
                    .descriptor(0, TABLE.value(), 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1)
                    .descriptor(1, DATA, 8, 0, 0).publish(0);
            default -> throw new IllegalArgumentException(error + " needs its own setup, see the tests below");
        };
    }

    @ParameterizedTest
    @EnumSource(value = QueueError.class, names = {"HEAD_OUT_OF_RANGE", "AVAIL_IDX_TOO_FAR", "NEXT_OUT_OF_RANGE",
            "DESCRIPTOR_OUT_OF_RAM", "CHAIN_TOO_LONG", "READABLE_AFTER_WRITABLE", "INDIRECT_EMPTY",
            "INDIRECT_MISALIGNED", "INDIRECT_OUT_OF_RAM", "NESTED_INDIRECT", "INDIRECT_WITH_NEXT"})
    void malformedChainBreaksTheQueueWithItsReason(QueueError error) {
        try (var f = new RingFixture(SIZE, false, true)) {
            ringFor(error).accept(f.raw());
            assertBrokenFor(f, error);
        }
    }

    @Test
    void indirectWithoutTheFeatureIsRejected() {
        try (var f = new RingFixture(SIZE, false, false)) {
            f.raw().table(TABLE, new RawDescriptor(DATA, 8, 0, 0))
                    .descriptor(0, TABLE.value(), 16, VIRTQ_DESC_F_INDIRECT, 0).publish(0);
            assertBrokenFor(f, QueueError.INDIRECT_NOT_NEGOTIATED);
        }
    }

    @Test
    void indirectTableLongerThanTheQueueIsAcceptedLikeLinuxBuildsIt() {
        try (var f = new RingFixture(SIZE, false, true)) {
            var entries = new RawDescriptor[SIZE * 2];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = new RawDescriptor(DATA + i, 1, i + 1 < entries.length ? VIRTQ_DESC_F_NEXT : 0, i + 1);
            }
            f.raw().table(TABLE, entries)
                    .descriptor(0, TABLE.value(), 16 * entries.length, VIRTQ_DESC_F_INDIRECT, 0).publish(0);
            DescriptorChain chain = f.pop();
            assertThat(chain.size()).isEqualTo(SIZE * 2);
            assertThat(chain.readableLength()).isEqualTo(SIZE * 2);
        }
    }

    @Test
    void loopInsideAnIndirectTableIsTooLong() {
        try (var f = new RingFixture(SIZE, false, true)) {
            f.raw().table(TABLE, new RawDescriptor(DATA, 8, VIRTQ_DESC_F_NEXT, 1),
                            new RawDescriptor(DATA, 8, VIRTQ_DESC_F_NEXT, 0))
                    .descriptor(0, TABLE.value(), 32, VIRTQ_DESC_F_INDIRECT, 0).publish(0);
            assertBrokenFor(f, QueueError.CHAIN_TOO_LONG);
        }
    }

    @Test
    void lengthsSummingPastFourGigabytesOverflow() {
        // Sixteen 256 MiB buffers, all over the same RAM (overlap is legal), total exactly 2^32.
        int size = 16;
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var ram = jvmm.virtio.memory.SegmentGuestMemory.allocate(arena, 0x1000_0000L);
            var layout = jvmm.virtio.driver.RingLayout.at(GuestAddress.of(0x1000), size, 0);
            var queue = new Queue("big", size);
            layout.configure(queue, false, false);
            var raw = new RawRing(ram, layout);
            for (int i = 0; i < size; i++) {
                raw.descriptor(i, 0, 0x1000_0000, i + 1 < size ? VIRTQ_DESC_F_NEXT : 0, i + 1);
            }
            raw.publish(0);
            assertThat(queue.pop(ram)).isEmpty();
            assertThat(queue.brokenReason()).isEqualTo(QueueError.LENGTH_OVERFLOW);
        }
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void badQueueConfigurationBreaksTheQueueOnFirstUse(long desc, long avail, long used, int size, QueueError error) {
        try (var f = new RingFixture(SIZE, false, false)) {
            f.queue.setDescTable(GuestAddress.of(desc));
            f.queue.setAvailRing(GuestAddress.of(avail));
            f.queue.setUsedRing(GuestAddress.of(used));
            f.queue.setSize(size);
            assertThat(f.queue.hasAvailable(f.memory)).isFalse();
            assertThat(f.queue.brokenReason()).isEqualTo(error);
        }
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(0x1000, 0x2000, 0x3000, 6, QueueError.INVALID_CONFIGURATION),
                Arguments.of(0x1000, 0x2000, 0x3000, 16, QueueError.INVALID_CONFIGURATION),
                Arguments.of(0x1008, 0x2000, 0x3000, 8, QueueError.INVALID_CONFIGURATION),
                Arguments.of(0x1000, 0x2001, 0x3000, 8, QueueError.INVALID_CONFIGURATION),
                Arguments.of(0x1000, 0x2000, 0x3002, 8, QueueError.INVALID_CONFIGURATION),
                Arguments.of(0x1000, 0x2000, RingFixture.RAM - 8, 8, QueueError.RING_OUT_OF_RAM),
                Arguments.of(-16L, 0x2000, 0x3000, 8, QueueError.RING_OUT_OF_RAM));
    }

    private static void assertBrokenFor(RingFixture f, QueueError error) {
        short usedIdxBefore = f.memory.readU16(f.layout.usedRing().checkedAdd(SplitRing.RING_IDX));
        assertThat(f.pop()).isNull();
        assertThat(f.queue.brokenReason()).isEqualTo(error);
        assertThat(f.breaks).containsExactly(error);
        assertThat(f.pop()).isNull();
        assertThat(f.queue.enableNotification(f.memory)).isFalse();
        assertThat(f.memory.readU16(f.layout.usedRing().checkedAdd(SplitRing.RING_IDX))).isEqualTo(usedIdxBefore);
    }
}
