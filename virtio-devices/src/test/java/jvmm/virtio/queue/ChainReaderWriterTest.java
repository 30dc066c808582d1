package jvmm.virtio.queue;

import static jvmm.virtio.queue.RingFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import org.junit.jupiter.api.Test;

/** Readers and writers see a chain's parts as byte streams, whatever the buffer boundaries. */
class ChainReaderWriterTest {

    @Test
    void readerCrossesBufferBoundariesInsideAValue() throws Exception {
        try (var f = new RingFixture(8, false, false)) {
            // A 16-byte little-endian header split 3 + 0 + 13, then a writable part.
            f.memory.write(GuestAddress.of(RingFixture.DATA), new byte[] {1, 2, 3});
            f.memory.write(GuestAddress.of(RingFixture.DATA + 0x100),
                    new byte[] {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            f.driver.add(List.of(seg(0, 3), seg(0x80, 0), seg(0x100, 13)), List.of(seg(0x200, 4)), "req");
            var reader = f.pop().reader(f.memory);
            assertThat(reader.readU32()).isEqualTo(0x04030201);
            assertThat(reader.readU64()).isEqualTo(0x0C0B0A0908070605L);
            assertThat(reader.readU16()).isEqualTo((short) 0x0E0D);
            assertThat(reader.remaining()).isEqualTo(2);
            assertThat(reader.readBytes(2)).containsExactly(15, 16);
            assertThatThrownBy(reader::readU8).isInstanceOf(ChainTooShortException.class)
                    .hasMessageContaining("readable part has 0 left");
        }
    }

    @Test
    void writerFillsWritableBuffersInOrderAndCountsBytes() throws Exception {
        try (var f = new RingFixture(8, false, true)) {
            f.driver.add(List.of(seg(0, 16)), List.of(seg(0x100, 5), seg(0x200, 1)), "blk read");
            DescriptorChain chain = f.pop();
            var writer = chain.writer(f.memory);
            writer.writeU32(0xAABBCCDD);
            writer.writeU16((short) 0x1122); // crosses from the 5-byte buffer into the 1-byte one
            assertThat(writer.position()).isEqualTo(6);
            assertThatThrownBy(() -> writer.writeU8((byte) 0)).isInstanceOf(ChainTooShortException.class);
            assertThat(f.memory.readU32(GuestAddress.of(RingFixture.DATA + 0x100))).isEqualTo(0xAABBCCDD);
            assertThat(f.memory.readU8(GuestAddress.of(RingFixture.DATA + 0x104))).isEqualTo((byte) 0x22);
            assertThat(f.memory.readU8(GuestAddress.of(RingFixture.DATA + 0x200))).isEqualTo((byte) 0x11);
            assertThat(f.memory.readU16(GuestAddress.of(RingFixture.DATA))).isZero(); // readable part untouched
        }
    }

    @Test
    void skipAndShortReadsLeaveTheCursorWhereItWas() throws Exception {
        try (var f = new RingFixture(8, false, false)) {
            f.driver.add(List.of(seg(0, 4), seg(4, 4)), List.of(), "out");
            var reader = f.pop().reader(f.memory);
            reader.skip(6);
            assertThatThrownBy(reader::readU32).isInstanceOf(ChainTooShortException.class);
            assertThat(reader.position()).isEqualTo(6);
            assertThat(reader.readU16()).isEqualTo(f.memory.readU16(GuestAddress.of(RingFixture.DATA + 6)));
        }
    }

    @Test
    void descriptorsGiveZeroCopySlicesOfEachBuffer() {
        try (var f = new RingFixture(8, false, false)) {
            f.driver.add(List.of(seg(0, 16)), List.of(seg(0x1000, 512), seg(0x3000, 1)), "blk");
            DescriptorChain chain = f.pop();
            var slices = chain.descriptors().stream()
                    .map(d -> f.memory.slice(d.address(), d.length()))
                    .toList();
            slices.get(1).fill((byte) 7);
            assertThat(f.memory.readU8(GuestAddress.of(RingFixture.DATA + 0x1000 + 511))).isEqualTo((byte) 7);
            assertThat(slices).extracting(s -> s.byteSize()).containsExactly(16L, 512L, 1L);
            assertThat(chain.descriptors()).extracting(Descriptor::writable).containsExactly(false, true, true);
        }
    }
}
