package jvmm.virtio.queue;

import static jvmm.virtio.queue.RingFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.driver.RingFullException;
import jvmm.virtio.driver.UsedBuffer;
import org.junit.jupiter.api.Test;

/**
 * One regression test per behaviour the Linux virtio_ring history settled, on both sides of our
 * ring: each is named for the behaviour it pins.
 */
class VirtioRingHistoryTest {

    @Test
    void usedIdxWrapsAfter65536Buffers() {
        try (var f = new RingFixture(8, true, false)) {
            for (int i = 0; i < 65536 + 20; i++) {
                f.driver.addOut(GuestAddress.of(RingFixture.DATA), 16, i);
                DescriptorChain chain = f.pop();
                f.queue.addUsed(f.memory, chain.head(), i & 0xFF);
                UsedBuffer used = f.driver.getBuf();
                assertThat(used).isEqualTo(new UsedBuffer(i, i & 0xFF));
            }
            assertThat(f.queue.nextUsed()).isEqualTo(20);
            assertThat(f.queue.nextAvail()).isEqualTo(20);
            assertThat(f.driver.lastUsedIdx()).isEqualTo(20);
            assertThat(f.queue.isBroken()).isFalse();
        }
    }

    @Test
    void availIdxMoreThanTheRingAheadBreaksTheQueue() {
        try (var f = new RingFixture(4, false, false)) {
            f.raw().descriptor(0, RingFixture.DATA, 8, 0, 0).availIdx(5);
            assertThat(f.pop()).isNull();
            assertThat(f.queue.brokenReason()).isEqualTo(QueueError.AVAIL_IDX_TOO_FAR);
        }
    }

    @Test
    void availIdxExactlyOneFullRingAheadAcrossTheWrapIsAccepted() {
        try (var f = new RingFixture(4, false, false)) {
            var raw = f.raw().descriptor(0, RingFixture.DATA, 8, 0, 0);
            for (int i = 0; i < 0xFFFE; i++) {
                raw.publish(0);
                assertThat(f.pop()).isNotNull();
            }
            for (int i = 0; i < 4; i++) {
                raw.publish(0); // avail idx goes 0xFFFE -> 0x0002
            }
            for (int i = 0; i < 4; i++) {
                assertThat(f.pop()).isNotNull();
            }
            assertThat(f.pop()).isNull();
            assertThat(f.queue.isBroken()).isFalse();
            assertThat(f.queue.nextAvail()).isEqualTo(2);
        }
    }

    @Test
    void needEventArithmeticHoldsAcrossThe16BitWrap() {
        assertThat(SplitRing.needEvent(0xFFFF, 0x0001, 0xFFFE)).isTrue();   // passed 0xFFFF on the way to 1
        assertThat(SplitRing.needEvent(0x0001, 0x0001, 0xFFFF)).isFalse();  // 1 not yet published
        assertThat(SplitRing.needEvent(0x0000, 0x0001, 0x0000)).isTrue();
        assertThat(SplitRing.needEvent(0x0005, 0x0003, 0x0001)).isFalse();
        assertThat(SplitRing.needEvent(0x0001, 0x0001, 0x0001)).isFalse();  // nothing new
    }

    @Test
    void fullRingStillGetsAKick() {
        try (var f = new RingFixture(2, true, false)) {
            f.driver.add(List.of(seg(0, 8), seg(8, 8)), List.of(), "fills the ring");
            f.queue.disableNotification(f.memory);
            // With event idx the device's avail_event says nothing was requested past 0 ... but
            // the driver must still kick when it cannot add a buffer with outgoing data.
            long before = f.driver.kicks();
            assertThatThrownBy(() -> f.driver.add(List.of(seg(16, 8)), List.of(), "no room"))
                    .isInstanceOf(RingFullException.class);
            assertThat(f.driver.kicks()).isEqualTo(before + 1);
            assertThat(f.deviceKicks).isEqualTo(before + 1);
        }
    }

    @Test
    void fullRingRefusesWithAClearErrorAndDoesNotKickForInOnlyBuffers() {
        try (var f = new RingFixture(2, false, false)) {
            f.driver.add(List.of(), List.of(seg(0, 8), seg(8, 8)), "fills the ring");
            assertThat(f.driver.numFree()).isZero();
            assertThatThrownBy(() -> f.driver.add(List.of(), List.of(seg(16, 8)), "no room"))
                    .isInstanceOf(RingFullException.class)
                    .hasMessageContaining("needs 1 descriptors, 0 of 2 free");
            assertThat(f.driver.kicks()).isZero();
        }
    }

    @Test
    void sixtyFiveThousandFiveHundredThirtyFiveUnkickedAddsForceAKick() {
        try (var f = new RingFixture(4, true, false)) {
            f.queue.enableNotification(f.memory); // avail_event = 0: the first buffer wants a kick
            for (int i = 0; i < 0xFFFE; i++) {
                f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, i);
                f.queue.addUsed(f.memory, f.pop().head(), 0);
                f.driver.getBuf();
            }
            assertThat(f.driver.kicks()).isZero();
            f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "65535th");
            assertThat(f.driver.kicks()).isEqualTo(1);
        }
    }

    @Test
    void callbackReenabledAfterBuffersArrivedSaysSo() {
        for (boolean eventIdx : new boolean[] {false, true}) {
            try (var f = new RingFixture(8, eventIdx, false)) {
                f.driver.disableCallbacks();
                f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "a");
                f.queue.addUsed(f.memory, f.pop().head(), 0);
                assertThat(f.driver.enableCallbacks()).as("eventIdx=%b", eventIdx).isFalse();
                assertThat(f.driver.getBuf()).isEqualTo(new UsedBuffer("a", 0));
                assertThat(f.driver.enableCallbacks()).isTrue();
            }
        }
    }

    @Test
    void disabledCallbacksSuppressInterruptsOnlyAdvisorily() {
        try (var f = new RingFixture(8, false, false)) {
            f.driver.disableCallbacks();
            f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "a");
            f.queue.addUsed(f.memory, f.pop().head(), 0);
            assertThat(f.queue.needsNotification(f.memory)).isFalse();
            // Suppression is a hint: the used buffer is there for the driver whenever it looks.
            assertThat(f.driver.getBuf()).isEqualTo(new UsedBuffer("a", 0));
            f.driver.enableCallbacks();
            f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "b");
            f.queue.addUsed(f.memory, f.pop().head(), 0);
            assertThat(f.queue.needsNotification(f.memory)).isTrue();
        }
    }

    @Test
    void eventIdxInterruptsOncePerUsedEventNotPerBuffer() {
        try (var f = new RingFixture(8, true, false)) {
            f.driver.enableCallbacks(); // used_event = 0
            for (int i = 0; i < 3; i++) {
                f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, i);
            }
            f.queue.addUsed(f.memory, f.pop().head(), 0);
            assertThat(f.queue.needsNotification(f.memory)).as("first batch after reset").isTrue();
            f.queue.addUsed(f.memory, f.pop().head(), 0);
            assertThat(f.queue.needsNotification(f.memory)).as("driver has not caught up").isFalse();
            assertThat(f.driver.getBuf()).isNotNull();
            assertThat(f.driver.getBuf()).isNotNull(); // used_event now 2
            f.queue.addUsed(f.memory, f.pop().head(), 0);
            assertThat(f.queue.needsNotification(f.memory)).isTrue();
        }
    }

    @Test
    void deviceSuppressesKicksWhileBusyAndAsksAgainBeforeIdling() {
        for (boolean eventIdx : new boolean[] {false, true}) {
            try (var f = new RingFixture(8, eventIdx, false)) {
                assertThat(f.queue.enableNotification(f.memory)).isFalse();
                f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "a");
                assertThat(f.driver.kick()).as("idle device, eventIdx=%b", eventIdx).isTrue();
                f.queue.disableNotification(f.memory);
                f.pop();
                f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "b");
                assertThat(f.driver.kick()).as("busy device, eventIdx=%b", eventIdx).isFalse();
                // The race: "b" arrived without a kick; the device must see it when it re-enables.
                assertThat(f.queue.enableNotification(f.memory)).isTrue();
                assertThat(f.pop()).isNotNull();
                assertThat(f.queue.enableNotification(f.memory)).isFalse();
            }
        }
    }

    @Test
    void detachUnusedBuffersReturnsEveryTokenAfterReset() {
        try (var f = new RingFixture(8, false, true)) {
            f.driver.add(List.of(seg(0, 8)), List.of(seg(8, 8)), "indirect");
            f.driver.add(List.of(seg(16, 8)), List.of(), "direct");
            f.driver.add(List.of(seg(24, 8)), List.of(), "popped, never used");
            f.pop();
            f.queue.reset();
            var tokens = new java.util.ArrayList<Object>();
            for (Object t; (t = f.driver.detachUnused()) != null; ) {
                tokens.add(t);
            }
            assertThat(tokens).containsExactlyInAnyOrder("indirect", "direct", "popped, never used");
            assertThat(f.driver.numFree()).isEqualTo(8);
            assertThat(f.driver.availIdx()).isZero();
        }
    }

    @Test
    void resetClearsIndicesAndBrokenState() {
        try (var f = new RingFixture(8, false, false)) {
            f.raw().publish(9); // head out of range
            assertThat(f.pop()).isNull();
            assertThat(f.queue.brokenReason()).isEqualTo(QueueError.HEAD_OUT_OF_RANGE);
            f.queue.reset();
            f.driver.reset();
            f.layout.configure(f.queue, false, false);
            f.driver.addOut(GuestAddress.of(RingFixture.DATA), 8, "after reset");
            assertThat(f.queue.isBroken()).isFalse();
            assertThat(f.pop().head()).isZero();
        }
    }

    @Test
    void indirectChainIsFlattenedReadableFirst() {
        try (var f = new RingFixture(8, false, true)) {
            f.driver.add(List.of(seg(0, 16)), List.of(seg(16, 4096), seg(8192, 1)), "blk");
            DescriptorChain chain = f.pop();
            assertThat(chain.isIndirect()).isTrue();
            assertThat(chain.size()).isEqualTo(3);
            assertThat(chain.readableCount()).isEqualTo(1);
            assertThat(chain.readableLength()).isEqualTo(16);
            assertThat(chain.writableLength()).isEqualTo(4097);
            assertThat(chain.descriptor(2).address().value()).isEqualTo(RingFixture.DATA + 8192);
            assertThat(chain.descriptor(2).writable()).isTrue();
            assertThat(f.driver.numFree()).isEqualTo(7);
        }
    }

    @Test
    void corruptedRingIsAbandonedNotSpunOn() {
        try (var f = new RingFixture(8, false, false)) {
            // Descriptors 0 -> 1 -> 0: a loop.
            f.raw().descriptor(0, RingFixture.DATA, 8, SplitRing.VIRTQ_DESC_F_NEXT, 1)
                    .descriptor(1, RingFixture.DATA, 8, SplitRing.VIRTQ_DESC_F_NEXT, 0)
                    .publish(0).publish(0);
            assertThat(f.pop()).isNull();
            assertThat(f.queue.brokenReason()).isEqualTo(QueueError.CHAIN_TOO_LONG);
            assertThat(f.pop()).as("a broken queue stays silent").isNull();
            assertThat(f.breaks).containsExactly(QueueError.CHAIN_TOO_LONG);
            assertThat(f.queue.nextAvail()).isZero();
        }
    }

    @Test
    void brokenQueueWritesNothingToTheUsedRing() {
        try (var f = new RingFixture(8, false, false)) {
            f.raw().descriptor(0, RingFixture.DATA, 8, 0, 0).publish(0).publish(8);
            DescriptorChain first = f.pop();
            assertThat(f.pop()).isNull();
            assertThat(f.queue.isBroken()).isTrue();
            f.queue.addUsed(f.memory, first.head(), 8);
            assertThat(f.queue.needsNotification(f.memory)).isFalse();
            assertThat(f.memory.readU16(f.layout.usedRing().checkedAdd(SplitRing.RING_IDX))).isZero();
        }
    }
}
