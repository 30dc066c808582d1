package jvmm.vmm.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GdtAndPageTablesTest {

    private Arena arena;
    private SegmentGuestMemory memory;

    @BeforeEach
    void allocate() {
        arena = Arena.ofConfined();
        memory = SegmentGuestMemory.allocate(arena, 2L << 20);
        memory.fill(GuestAddress.of(0), 0x10000, (byte) 0xcc);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    @Test
    void gdtBytesAreTheFlatDescriptors() {
        Gdt.write(memory);

        assertThat(memory.readU64(GuestAddress.of(0x500))).isZero();
        assertThat(memory.readU64(GuestAddress.of(0x508))).isEqualTo(0x00af_9b00_0000_ffffL);
        assertThat(memory.readU64(GuestAddress.of(0x510))).isEqualTo(0x00cf_9300_0000_ffffL);
        assertThat(memory.readU64(GuestAddress.of(0x518))).isEqualTo(0x008f_8b00_0000_ffffL);
        assertThat(memory.readU64(Layout.IDT_START)).isZero();
        assertThat(Gdt.LIMIT).isEqualTo(31);
    }

    @Test
    void codeSegmentDecodesToA64BitFlatSegment() {
        assertThat(Gdt.codeSegment()).isEqualTo(
                new Gdt.Segment(0, 0xffff_ffff, 0x8, 0xb, true, 0, false, true, true, true, false));
    }

    @Test
    void dataAndTssSegmentsDecode() {
        assertThat(Gdt.dataSegment()).isEqualTo(
                new Gdt.Segment(0, 0xffff_ffff, 0x10, 0x3, true, 0, true, true, false, true, false));
        assertThat(Gdt.tssSegment()).isEqualTo(
                new Gdt.Segment(0, 0xffff_ffff, 0x18, 0xb, true, 0, false, false, false, true, false));
    }

    @Test
    void descriptorPacksBaseAndLimitFieldsApart() {
        long d = Gdt.descriptor(0x4092, 0x1234_5678L, 0xabcde);

        assertThat(d).isEqualTo(0x124a_9234_5678_bcdeL);
    }

    @Test
    void pageTablesIdentityMapTheFirst4GiBWith2MiBPages() {
        PageTables.write(memory);

        assertThat(memory.readU64(GuestAddress.of(0x9000))).isEqualTo(0xa003L);
        assertThat(memory.readU64(GuestAddress.of(0x9008))).as("PML4[1] unused").isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(memory.readU64(GuestAddress.of(0xa000 + 8L * i))).isEqualTo(0xb003L + 0x1000L * i);
        }
        assertThat(memory.readU64(GuestAddress.of(0xa020))).as("PDPT[4] unused").isZero();
        assertThat(memory.readU64(GuestAddress.of(0xb000))).isEqualTo(0x83L);
        assertThat(memory.readU64(GuestAddress.of(0xb008))).isEqualTo(0x20_0083L);
        assertThat(memory.readU64(GuestAddress.of(0xeff8))).isEqualTo(0xffe0_0083L);
        assertThat(memory.readU8(GuestAddress.of(0xf000))).as("nothing past the last PD").isEqualTo((byte) 0xcc);
    }

    @Test
    void longModeControlBits() {
        assertThat(PageTables.CR3).isEqualTo(0x9000);
        assertThat(PageTables.LONG_MODE_CR0).isEqualTo(0x8000_0001L);
        assertThat(PageTables.LONG_MODE_CR4).isEqualTo(0x20);
        assertThat(PageTables.LONG_MODE_EFER).isEqualTo(0x500);
    }
}
