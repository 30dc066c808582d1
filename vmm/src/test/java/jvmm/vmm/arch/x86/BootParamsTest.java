package jvmm.vmm.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.util.Collections;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import org.junit.jupiter.api.Test;

class BootParamsTest {

    /** The bytes 0x1f1..0x26c of a kernel image, with a few recognizable fields. */
    private static byte[] setupHeader() {
        byte[] h = new byte[0x26c - 0x1f1];
        h[0] = 27; // setup_sects
        h[0x202 - 0x1f1] = 'H';
        h[0x203 - 0x1f1] = 'd';
        h[0x204 - 0x1f1] = 'r';
        h[0x205 - 0x1f1] = 'S';
        h[0x206 - 0x1f1] = 0x0f;
        h[0x207 - 0x1f1] = 0x02;
        h[0x211 - 0x1f1] = 0x01 | 0x20; // LOADED_HIGH | QUIET_FLAG from the image
        h[0x238 - 0x1f1] = (byte) 0xff; // cmdline_size 0x7ff
        h[0x239 - 0x1f1] = 0x07;
        return h;
    }

    @Test
    void setupHeaderIsCopiedAndLoaderFieldsAreSet() {
        BootParams p = BootParams.forSetupHeader(setupHeader());

        assertThat(p.u8(BootParams.SETUP_SECTS)).isEqualTo(27);
        assertThat(p.u32(BootParams.HEADER)).isEqualTo(BootParams.HDRS_MAGIC);
        assertThat(p.u16(BootParams.VERSION)).isEqualTo(0x020f);
        assertThat(p.u8(BootParams.TYPE_OF_LOADER)).isEqualTo(0xff);
        assertThat(p.u8(BootParams.LOADFLAGS)).isEqualTo(0x01 | 0x20 | 0x80);
        assertThat(p.u16(BootParams.HEAP_END_PTR)).isEqualTo(0xfe00);
        assertThat(p.u16(BootParams.VID_MODE)).isEqualTo(0xffff);
        assertThat(p.u32(BootParams.CMDLINE_SIZE)).isEqualTo(0x7ff);
    }

    @Test
    void addressesAbove4GiBFillTheExtFields() {
        BootParams p = BootParams.forSetupHeader(setupHeader())
                .cmdline(GuestAddress.of(0x1_2345_6000L), 100)
                .ramdisk(GuestAddress.of(0x2_0000_1000L), 0x1_0000_0010L);

        assertThat(p.u32(BootParams.CMD_LINE_PTR)).isEqualTo(0x2345_6000L);
        assertThat(p.u32(BootParams.EXT_CMD_LINE_PTR)).isEqualTo(1);
        assertThat(p.u32(BootParams.RAMDISK_IMAGE)).isEqualTo(0x1000);
        assertThat(p.u32(BootParams.EXT_RAMDISK_IMAGE)).isEqualTo(2);
        assertThat(p.u32(BootParams.RAMDISK_SIZE)).isEqualTo(0x10);
        assertThat(p.u32(BootParams.EXT_RAMDISK_SIZE)).isEqualTo(1);
        assertThat(p.u32(BootParams.CMDLINE_SIZE)).as("the kernel's own cmdline_size wins").isEqualTo(0x7ff);
    }

    @Test
    void headerlessZeroPageGetsTheMagicAndTheCmdlineSize() {
        BootParams p = BootParams.withoutSetupHeader().cmdline(GuestAddress.of(0x20000), 2047);

        assertThat(p.u16(BootParams.BOOT_FLAG)).isEqualTo(0xaa55);
        assertThat(p.u32(BootParams.HEADER)).isEqualTo(BootParams.HDRS_MAGIC);
        assertThat(p.u32(BootParams.CMDLINE_SIZE)).isEqualTo(2047);
    }

    @Test
    void e820TableIsWrittenAsPacked20ByteEntries() {
        var map = E820.build(Layout.ramRegions(5L << 30));

        BootParams p = BootParams.withoutSetupHeader().e820(map).acpiRsdp(Layout.RSDP_START);

        assertThat(p.u8(BootParams.E820_ENTRIES)).isEqualTo(4);
        int third = BootParams.E820_TABLE + 2 * E820.ENTRY_SIZE;
        assertThat(p.u64(third)).isEqualTo(0x100000);
        assertThat(p.u64(third + 8)).isEqualTo(0xd000_0000L - 0x100000);
        assertThat(p.u32(third + 16)).isEqualTo(E820.TYPE_RAM);
        int fourth = BootParams.E820_TABLE + 3 * E820.ENTRY_SIZE;
        assertThat(p.u64(fourth)).isEqualTo(1L << 32);
        assertThat(p.u64(BootParams.ACPI_RSDP_ADDR)).isEqualTo(0xe0000);
        assertThat(p.u8(BootParams.SENTINEL)).as("a set sentinel makes the kernel wipe fields").isZero();
    }

    @Test
    void tooManyE820EntriesAreRefused() {
        var entries = Collections.nCopies(129, new E820.Entry(GuestAddress.of(0), 4096, E820.TYPE_RAM));

        assertThatThrownBy(() -> BootParams.withoutSetupHeader().e820(entries))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeToCopiesTheWholePage() {
        try (Arena arena = Arena.ofConfined()) {
            var memory = SegmentGuestMemory.allocate(arena, 2L << 20);
            memory.fill(Layout.ZERO_PAGE_START, BootParams.SIZE + 16, (byte) 0x5a);

            BootParams.forSetupHeader(setupHeader()).writeTo(memory, Layout.ZERO_PAGE_START);

            assertThat(memory.readU8(Layout.ZERO_PAGE_START)).isZero();
            assertThat(memory.readU32(Layout.ZERO_PAGE_START.checkedAdd(BootParams.HEADER))).isEqualTo(BootParams.HDRS_MAGIC);
            assertThat(memory.readU8(Layout.ZERO_PAGE_START.checkedAdd(BootParams.SIZE - 1))).isZero();
            assertThat(memory.readU8(Layout.ZERO_PAGE_START.checkedAdd(BootParams.SIZE))).isEqualTo((byte) 0x5a);
        }
    }
}
