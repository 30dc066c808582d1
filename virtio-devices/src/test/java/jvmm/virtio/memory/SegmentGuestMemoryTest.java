package jvmm.virtio.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.util.List;
import jvmm.kvm.sys.Mapping;
import jvmm.virtio.memory.SegmentGuestMemory.Region;
import org.junit.jupiter.api.Test;

/** Bounds, byte order and region lookup of guest RAM, on the one-region fast path and off it. */
class SegmentGuestMemoryTest {

    @Test
    void oneRegionAcceptsEveryRangeInsideAndNothingAcrossItsEdges() {
        try (var arena = Arena.ofConfined()) {
            var ram = new SegmentGuestMemory(List.of(new Region(GuestAddress.of(0x1000), arena.allocate(0x1000))));
            assertThat(ram.contains(GuestAddress.of(0x1000), 0x1000)).isTrue();
            assertThat(ram.contains(GuestAddress.of(0x2000), 0)).as("empty range at the end").isTrue();
            assertThat(ram.contains(GuestAddress.of(0x1FFF), 2)).isFalse();
            assertThat(ram.contains(GuestAddress.of(0xFFF), 1)).as("below the base").isFalse();
            assertThat(ram.contains(GuestAddress.of(0x1000), -1)).isFalse();
            assertThat(ram.contains(GuestAddress.of(-1L), 1)).isFalse();
            assertThatThrownBy(() -> ram.readU32(GuestAddress.of(0x1FFE)))
                    .isInstanceOf(GuestMemoryException.class).hasMessageContaining("0x1ffe");
            assertThatThrownBy(() -> ram.writeU64(GuestAddress.of(0x800), 1))
                    .isInstanceOf(GuestMemoryException.class);
        }
    }

    @Test
    void valuesAreLittleEndianAndUnalignedAccessWorks() {
        try (var arena = Arena.ofConfined()) {
            var ram = SegmentGuestMemory.allocate(arena, 0x1000);
            ram.writeU64(GuestAddress.of(3), 0x0807060504030201L);
            assertThat(ram.readU8(GuestAddress.of(3))).isEqualTo((byte) 1);
            assertThat(ram.readU16(GuestAddress.of(4))).isEqualTo((short) 0x0302);
            assertThat(ram.readU32(GuestAddress.of(5))).isEqualTo(0x06050403);
            byte[] bytes = new byte[4];
            ram.read(GuestAddress.of(7), bytes, 0, 4);
            assertThat(bytes).containsExactly(5, 6, 7, 8);
        }
    }

    @Test
    void acquireAndReleaseAccessesMustBeAligned() {
        try (var arena = Arena.ofConfined()) {
            var ram = SegmentGuestMemory.allocate(arena, 0x1000);
            ram.storeReleaseU16(GuestAddress.of(0x10), (short) 0xBEEF);
            assertThat(ram.loadAcquireU16(GuestAddress.of(0x10))).isEqualTo((short) 0xBEEF);
            assertThatThrownBy(() -> ram.loadAcquireU16(GuestAddress.of(0x11)))
                    .isInstanceOf(GuestMemoryException.class).hasMessageContaining("misaligned");
        }
    }

    @Test
    void severalRegionsAreFoundByAddressAndAGapBetweenThemIsNotRam() {
        try (var arena = Arena.ofConfined()) {
            var low = arena.allocate(0x1000);
            var high = arena.allocate(0x1000);
            var ram = new SegmentGuestMemory(List.of(
                    new Region(GuestAddress.of(0x10000), high), new Region(GuestAddress.of(0), low)));
            ram.writeU32(GuestAddress.of(0x10004), 0xCAFE);
            ram.write(GuestAddress.of(0xFFC), new byte[] {1, 2, 3, 4});
            assertThat(high.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4)).isEqualTo(0xCAFE);
            assertThat(ram.readU32(GuestAddress.of(0xFFC))).isEqualTo(0x04030201);
            assertThat(ram.contains(GuestAddress.of(0x1000), 1)).as("the gap").isFalse();
            assertThat(ram.contains(GuestAddress.of(0xFFF), 2)).as("across into the gap").isFalse();
            assertThat(ram.slice(GuestAddress.of(0x10FF0), 16).byteSize()).isEqualTo(16);
            assertThatThrownBy(() -> ram.slice(GuestAddress.of(0x10FF0), 17)).isInstanceOf(GuestMemoryException.class);
            assertThat(ram.totalSize()).isEqualTo(0x2000);
        }
    }

    @Test
    void overlappingRegionsAndHeapSegmentsAreRefused() {
        try (var arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> new SegmentGuestMemory(List.of(
                    new Region(GuestAddress.of(0), arena.allocate(0x2000)),
                    new Region(GuestAddress.of(0x1000), arena.allocate(0x1000)))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
            assertThatThrownBy(() -> new Region(GuestAddress.of(0), java.lang.foreign.MemorySegment.ofArray(new byte[16])))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void guestAddressArithmeticIsChecked() {
        assertThatThrownBy(() -> GuestAddress.of(-16L).checkedAdd(32)).isInstanceOf(GuestMemoryException.class);
        assertThat(GuestAddress.of(0x1000).checkedAdd(0x10).offsetFrom(GuestAddress.of(0x1000))).isEqualTo(0x10);
        assertThatThrownBy(() -> GuestAddress.of(0x10).offsetFrom(GuestAddress.of(0x20)))
                .isInstanceOf(GuestMemoryException.class);
    }

    @Test
    void discardZeroesWholePagesOfAMappingAndTakesThemOutOfTheRss() throws Exception {
        try (Mapping mapping = Mapping.anonymous(0x40000)) {
            var ram = new SegmentGuestMemory(List.of(new Region(GuestAddress.of(0x100000), mapping.segment())));
            ram.fill(GuestAddress.of(0x100000), 0x40000, (byte) 0x5a);
            assertThat(Mapping.residentBytes(mapping.segment())).isEqualTo(0x40000);

            ram.discard(GuestAddress.of(0x101000), 0x2000);

            assertThat(ram.readU8(GuestAddress.of(0x101000))).isZero();
            assertThat(ram.readU8(GuestAddress.of(0x102fff))).isZero();
            assertThat(ram.readU8(GuestAddress.of(0x100fff))).isEqualTo((byte) 0x5a);
            assertThat(ram.readU8(GuestAddress.of(0x103000))).isEqualTo((byte) 0x5a);
            // Reading a discarded page maps the shared zero page, which mincore counts: look past it.
            assertThat(Mapping.residentBytes(mapping.segment().asSlice(0x4000, 0x3c000))).isEqualTo(0x3c000);
            ram.discard(GuestAddress.of(0x104000), 0x3c000);
            assertThat(Mapping.residentBytes(mapping.segment().asSlice(0x4000, 0x3c000))).isZero();
        }
    }

    @Test
    void discardRefusesUnalignedRangesAndRangesOutsideRam() {
        try (var arena = Arena.ofConfined()) {
            var ram = SegmentGuestMemory.allocate(arena, 0x4000);
            assertThatThrownBy(() -> ram.discard(GuestAddress.of(0x800), 0x1000))
                    .isInstanceOf(GuestMemoryException.class).hasMessageContaining("page-aligned");
            assertThatThrownBy(() -> ram.discard(GuestAddress.of(0x1000), 0x800))
                    .isInstanceOf(GuestMemoryException.class).hasMessageContaining("page-aligned");
            assertThatThrownBy(() -> ram.discard(GuestAddress.of(0x3000), 0x2000))
                    .isInstanceOf(GuestMemoryException.class).hasMessageContaining("not in guest RAM");
        }
    }
}
