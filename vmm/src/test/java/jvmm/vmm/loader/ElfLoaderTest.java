package jvmm.vmm.loader;

import static jvmm.vmm.loader.BzImageLoaderTest.expectReason;
import static org.assertj.core.api.Assertions.assertThat;

import jvmm.virtio.memory.GuestAddress;
import jvmm.vmm.acpi.Aml;
import jvmm.vmm.arch.x86.BootParams;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.loader.KernelLoadException.Reason;
import org.junit.jupiter.api.Test;

class ElfLoaderTest extends LoaderFixture {

    @Test
    void segmentsGoToTheirPhysicalAddressesAndBssIsZeroed() throws Exception {
        memory.fill(GuestAddress.of(0x100_0000), 0x10_0000, (byte) 0xaa);

        LoadedKernel k = load(TestImages.vmlinux().build());

        assertThat(k.format()).isEqualTo(LoadedKernel.Format.ELF);
        assertThat(k.entry()).isEqualTo(GuestAddress.of(0x100_0000));
        assertThat(k.kernelStart()).isEqualTo(GuestAddress.of(0x100_0000));
        assertThat(k.kernelEnd()).isEqualTo(GuestAddress.of(0x100_5000));
        assertThat(guestBytes(GuestAddress.of(0x100_0000), 0x2000)).isEqualTo(TestImages.pattern(0x2000, 1));
        assertThat(guestBytes(GuestAddress.of(0x100_2000), 0x1000)).isEqualTo(TestImages.pattern(0x1000, 2));
        assertThat(guestBytes(GuestAddress.of(0x100_3000), 0x2000)).containsOnly(0);
        assertThat(memory.readU8(GuestAddress.of(0x100_5000))).isEqualTo((byte) 0xaa);
        assertThat(k.pvhEntry()).isEmpty();
        assertThat(k.protocolVersion()).isZero();
    }

    @Test
    void pvhEntryNoteIsReported() throws Exception {
        byte[] notes = Aml.concat(
                TestImages.note("GNU", 3, new byte[20]),
                TestImages.note("Xen", 17, TestImages.le32(0x1234)),
                TestImages.note("Xen", 18, TestImages.le32(0x100_1000)));

        LoadedKernel k = load(TestImages.vmlinux().note(notes).build());

        assertThat(k.pvhEntry()).contains(GuestAddress.of(0x100_1000));
    }

    @Test
    void zeroPageHasTheMagicAndTheDefaultLimits() throws Exception {
        load(TestImages.vmlinux().build());

        GuestAddress zp = Layout.ZERO_PAGE_START;
        assertThat(memory.readU16(zp.checkedAdd(BootParams.BOOT_FLAG)) & 0xffff).isEqualTo(0xaa55);
        assertThat(memory.readU32(zp.checkedAdd(BootParams.HEADER))).isEqualTo(BootParams.HDRS_MAGIC);
        assertThat(memory.readU32(zp.checkedAdd(BootParams.CMDLINE_SIZE))).isEqualTo(ElfKernel.CMDLINE_LIMIT);
        assertThat(memory.readU64(zp.checkedAdd(BootParams.ACPI_RSDP_ADDR))).isEqualTo(RSDP.value());
        assertThat(memory.readU8(zp.checkedAdd(BootParams.E820_ENTRIES))).isEqualTo((byte) 3);
    }

    @Test
    void elf32IsNot64Bit() {
        expectReason(() -> load(TestImages.vmlinux().set(e -> e.elfClass = 1).build()), Reason.NOT_64BIT)
                .hasMessageContaining("32-bit");
    }

    @Test
    void otherMachinesAreRejected() {
        expectReason(() -> load(TestImages.vmlinux().set(e -> e.machine = 183).build()), Reason.WRONG_MACHINE)
                .hasMessageContaining("183");
        expectReason(() -> load(TestImages.vmlinux().set(e -> e.data = 2).build()), Reason.WRONG_MACHINE)
                .hasMessageContaining("big-endian");
    }

    @Test
    void segmentBelow1MiBIsOutsideRam() {
        byte[] image = TestImages.elf().segment(0x8000, new byte[16], 16).set(e -> e.entry = 0x8000).build();

        expectReason(() -> load(image), Reason.SEGMENT_OUTSIDE_RAM).hasMessageContaining("segment 0");
    }

    @Test
    void segmentInTheMmioHoleIsOutsideRam() {
        byte[] image = TestImages.elf().segment(0xcfff_f000L, new byte[16], 0x2000)
                .set(e -> e.entry = 0xcfff_f000L).build();

        expectReason(() -> load(image), Reason.SEGMENT_OUTSIDE_RAM);
    }

    @Test
    void segmentAboveTheVmsRamNeedsMoreMemory() {
        byte[] image = TestImages.elf().segment(0x200_0000, new byte[16], 0x10_0001)
                .set(e -> e.entry = 0x200_0000).build();

        expectReason(() -> load(image), Reason.NOT_ENOUGH_MEMORY).hasMessageContaining("needs 34 MiB");
    }

    @Test
    void entryOutsideTheSegmentsIsABadHeader() {
        expectReason(() -> load(TestImages.vmlinux().set(e -> e.entry = 0x200_0000).build()), Reason.BAD_HEADER)
                .hasMessageContaining("entry point");
    }

    @Test
    void fileSizeAboveMemorySizeIsABadHeader() {
        byte[] image = TestImages.elf().segment(0x100_0000, new byte[64], 32).build();

        expectReason(() -> load(image), Reason.BAD_HEADER).hasMessageContaining("p_filesz");
    }

    @Test
    void elfWithoutLoadSegmentsOrWithOddHeadersIsABadHeader() {
        expectReason(() -> load(TestImages.elf().note(new byte[12]).build()), Reason.BAD_HEADER);
        expectReason(() -> load(TestImages.vmlinux().set(e -> e.phentsize = 32).build()), Reason.BAD_HEADER);
    }

    @Test
    void commandLineLongerThanTheKernelsBufferIsRejected() throws Exception {
        var request = new BootRequest(file("vmlinux", TestImages.vmlinux().build()), java.util.Optional.empty(),
                "x".repeat(2048), RAM, java.util.Optional.empty());

        expectReason(() -> KernelLoader.load(memory, request), Reason.CMDLINE_TOO_LONG);
    }
}
