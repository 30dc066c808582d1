package jvmm.virtio.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.memory.GuestAddress;
import org.junit.jupiter.api.Test;

/** addUsed of several chains at once: one used idx store makes them all visible together. */
class BatchUsedTest {

    private static int usedIdx(RingFixture f) {
        return Short.toUnsignedInt(f.memory.readU16(f.layout.usedRing().checkedAdd(2)));
    }

    @Test
    void severalChainsArePublishedWithOneIndexStepInOrder() {
        try (var f = new RingFixture(8, true, false)) {
            for (int i = 0; i < 3; i++) {
                f.driver.add(List.of(), List.of(RingFixture.seg(i * 0x100L, 0x100)), "rx" + i);
            }
            int[] heads = new int[3];
            for (int i = 0; i < 3; i++) {
                heads[i] = f.pop().head();
            }
            int before = usedIdx(f);

            f.queue.addUsed(f.memory, heads, new int[] {0x100, 0x80, 7}, 3);

            assertThat(usedIdx(f)).isEqualTo(before + 3);
            assertThat(List.of(f.driver.getBuf(), f.driver.getBuf(), f.driver.getBuf())).containsExactly(
                    new UsedBuffer("rx0", 0x100), new UsedBuffer("rx1", 0x80), new UsedBuffer("rx2", 7));
            assertThat(f.driver.getBuf()).isNull();
        }
    }

    @Test
    void anEmptyBatchPublishesNothingAndABadHeadIsOurBug() {
        try (var f = new RingFixture(8, false, false)) {
            f.queue.addUsed(f.memory, new int[0], new int[0], 0);

            assertThat(usedIdx(f)).isZero();
            assertThatThrownBy(() -> f.queue.addUsed(f.memory, new int[] {8}, new int[] {0}, 1))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(f.memory.readU16(GuestAddress.of(f.layout.usedRing().value() + 2))).isZero();
        }
    }
}
