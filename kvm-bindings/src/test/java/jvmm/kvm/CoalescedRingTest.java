package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coalesced ring against a page filled the way KVM fills it (entry first, then last). */
class CoalescedRingTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment page = arena.allocate(4096, 4096);
    private final CoalescedRing ring = new CoalescedRing(page);
    private final List<String> seen = new ArrayList<>();

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void aPageHoldsAsManyEntriesAsKvmPutsInIt() {
        assertThat(ring.capacity()).isEqualTo((4096 - 8) / 24); // KVM_COALESCED_MMIO_MAX
    }

    @Test
    void writesComeOutOldestFirstAndFreeTheirSlots() {
        produce(true, 0x3f8, 'h');
        produce(true, 0x3f8, 'i');
        produce(false, 0xd000_0050L, 1, 0, 0, 0);

        assertThat(ring.drain(this::record)).isEqualTo(3);
        assertThat(seen).containsExactly("pio 3f8 [104]", "pio 3f8 [105]", "mmio d0000050 [1, 0, 0, 0]");
        assertThat(page.get(JAVA_INT, 0)).as("first").isEqualTo(3);
        assertThat(ring.drain(this::record)).isZero();
    }

    @Test
    void indicesWrapAroundTheEndOfTheRing() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < ring.capacity() - 1; i++) { // a full ring: one slot stays empty
                produce(true, 0x3f8, i & 0xff);
            }
            assertThat(ring.drain(this::record)).isEqualTo(ring.capacity() - 1);
        }
        assertThat(seen).hasSize(3 * (ring.capacity() - 1));
        assertThat(seen.get(ring.capacity() - 1)).isEqualTo("pio 3f8 [0]");
    }

    @Test
    void outOfRangeIndicesOrLengthsAreRefusedNotFollowed() {
        page.set(JAVA_INT, 4, ring.capacity()); // last past the end
        assertThatThrownBy(() -> ring.drain(this::record)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("last=" + ring.capacity());

        page.set(JAVA_INT, 4, 0);
        produce(true, 0x3f8, 1);
        page.set(JAVA_INT, 8 + 8, 9); // the entry's length
        assertThatThrownBy(() -> ring.drain(this::record)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("length 9");
        assertThat(seen).isEmpty();
    }

    @Test
    void oneDrainTakesAtMostARingsWorth() {
        // A producer that keeps adding while the sink runs: drain still returns.
        produce(true, 0x3f8, 0);
        int taken = ring.drain((pio, address, data) -> produce(true, 0x3f8, 0));
        assertThat(taken).isEqualTo(ring.capacity());
    }

    private void record(boolean pio, long address, byte[] data) {
        List<Integer> bytes = new ArrayList<>();
        for (byte b : data) {
            bytes.add(b & 0xff);
        }
        seen.add((pio ? "pio " : "mmio ") + Long.toHexString(address) + " " + bytes);
    }

    /** What KVM's coalesced_mmio_write does: fill the slot at last, then advance last. */
    private void produce(boolean pio, long address, int... data) {
        int last = page.get(JAVA_INT, 4);
        long entry = 8 + last * 24L;
        page.set(JAVA_LONG, entry, address);
        page.set(JAVA_INT, entry + 8, data.length);
        page.set(JAVA_INT, entry + 12, pio ? 1 : 0);
        for (int i = 0; i < data.length; i++) {
            page.set(JAVA_BYTE, entry + 16 + i, (byte) data[i]);
        }
        page.set(JAVA_INT, 4, (last + 1) % ring.capacity());
    }
}
