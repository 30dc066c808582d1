package jvmm.vmm.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;
import jvmm.vmm.arch.x86.BootParams;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.loader.KernelLoadException.Reason;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BzImageLoaderTest extends LoaderFixture {

    private long zeroPageU32(int offset) {
        return memory.readU32(Layout.ZERO_PAGE_START.checkedAdd(offset)) & 0xffff_ffffL;
    }

    private int zeroPageU8(int offset) {
        return memory.readU8(Layout.ZERO_PAGE_START.checkedAdd(offset)) & 0xff;
    }

    @Test
    void relocatableKernelRunsFromPrefAddressWithEntry0x200In() throws Exception {
        var builder = TestImages.bzImage();
        byte[] image = builder.build();

        LoadedKernel k = load(image);

        assertThat(k.format()).isEqualTo(LoadedKernel.Format.BZIMAGE);
        assertThat(k.kernelStart()).isEqualTo(GuestAddress.of(0x100_0000));
        assertThat(k.entry()).isEqualTo(GuestAddress.of(0x100_0200));
        assertThat(k.kernelEnd()).isEqualTo(GuestAddress.of(0x100_0000 + builder.initSize));
        assertThat(k.bootParams()).isEqualTo(Layout.ZERO_PAGE_START);
        assertThat(k.stackPointer()).isEqualTo(Layout.BOOT_STACK_POINTER);
        assertThat(k.protocolVersion()).isEqualTo(0x020f);
        assertThat(guestBytes(k.kernelStart(), builder.payloadSize))
                .isEqualTo(Arrays.copyOfRange(image, builder.setupSize(), image.length));
    }

    @Test
    void nonRelocatableKernelGoesTo1MiB() throws Exception {
        LoadedKernel k = load(TestImages.bzImage().set(b -> b.relocatable = 0).build());

        assertThat(k.kernelStart()).isEqualTo(GuestAddress.of(0x10_0000));
        assertThat(k.entry()).isEqualTo(GuestAddress.of(0x10_0200));
        // it still decompresses at LOAD_PHYSICAL_ADDR (pref_address), so it claims up to there + init_size
        assertThat(k.kernelEnd()).isEqualTo(GuestAddress.of(0x100_0000 + 0x40_0000));
    }

    @Test
    void zeroSetupSectsMeansFour() throws Exception {
        var builder = TestImages.bzImage().set(b -> b.setupSects = 0);
        byte[] image = builder.build();

        LoadedKernel k = load(image);

        assertThat(builder.setupSize()).isEqualTo(5 * 512);
        assertThat(guestBytes(k.kernelStart(), 16)).isEqualTo(Arrays.copyOfRange(image, 5 * 512, 5 * 512 + 16));
    }

    @Test
    void zeroPageCarriesTheSetupHeaderAndTheLoaderFields() throws Exception {
        byte[] image = TestImages.bzImage().build();

        load(image);

        assertThat(zeroPageU32(BootParams.HEADER)).isEqualTo(BootParams.HDRS_MAGIC);
        assertThat(zeroPageU32(BootParams.CMDLINE_SIZE)).isEqualTo(0x7ff);
        assertThat(zeroPageU8(BootParams.TYPE_OF_LOADER)).isEqualTo(0xff);
        assertThat(zeroPageU8(BootParams.LOADFLAGS)).isEqualTo(BootParams.LOADED_HIGH | BootParams.CAN_USE_HEAP);
        assertThat(zeroPageU32(BootParams.CODE32_START)).isEqualTo(0x100_0000);
        assertThat(zeroPageU32(BootParams.CMD_LINE_PTR)).isEqualTo(Layout.CMDLINE_START.value());
        assertThat(memory.readU64(Layout.ZERO_PAGE_START.checkedAdd(BootParams.ACPI_RSDP_ADDR))).isEqualTo(RSDP.value());
        assertThat(zeroPageU8(BootParams.E820_ENTRIES)).isEqualTo(3);
        assertThat(zeroPageU32(BootParams.RAMDISK_IMAGE)).isZero();
    }

    @Test
    void commandLineIsWrittenWithItsTerminator() throws Exception {
        load(TestImages.bzImage().build());

        byte[] expected = (CMDLINE + "\0").getBytes(StandardCharsets.US_ASCII);
        assertThat(guestBytes(Layout.CMDLINE_START, expected.length)).isEqualTo(expected);
    }

    @Test
    void protocolBefore2_14GetsNoRsdpAddress() throws Exception {
        load(TestImages.bzImage().set(b -> b.version = 0x020c).build());

        assertThat(memory.readU64(Layout.ZERO_PAGE_START.checkedAdd(BootParams.ACPI_RSDP_ADDR))).isZero();
    }

    @Test
    void initrdGoesPageAlignedToTheTopOfLowRam() throws Exception {
        byte[] initrd = TestImages.pattern(10_000, 9);
        var request = new BootRequest(file("kernel", TestImages.bzImage().build()),
                Optional.of(file("initrd", initrd)), CMDLINE, RAM, Optional.empty());

        LoadedKernel k = KernelLoader.load(memory, request);

        GuestAddress at = k.initrd().orElseThrow().start();
        assertThat(at.isAligned(4096)).isTrue();
        assertThat(at.value() + initrd.length).isLessThanOrEqualTo(RAM).isGreaterThan(RAM - 4096);
        assertThat(guestBytes(at, initrd.length)).isEqualTo(initrd);
        assertThat(zeroPageU32(BootParams.RAMDISK_IMAGE)).isEqualTo(at.value());
        assertThat(zeroPageU32(BootParams.RAMDISK_SIZE)).isEqualTo(initrd.length);
    }

    @Test
    void initrdRespectsInitrdAddrMax() throws Exception {
        byte[] image = TestImages.bzImage().set(b -> b.initrdAddrMax = 0x17f_ffff).build();
        var request = new BootRequest(file("kernel", image), Optional.of(file("initrd", new byte[5000])),
                CMDLINE, RAM, Optional.empty());

        LoadedKernel k = KernelLoader.load(memory, request);

        assertThat(k.initrd().orElseThrow().start()).isEqualTo(GuestAddress.of(0x180_0000 - 0x2000));
    }

    @Test
    void initrdThatWouldOverlapTheKernelIsTooBig() throws Exception {
        Path initrd = file("initrd", new byte[(int) (RAM - 0x140_0000 + 1)]);
        var request = new BootRequest(file("kernel", TestImages.bzImage().build()), Optional.of(initrd),
                CMDLINE, RAM, Optional.empty());

        expectReason(() -> KernelLoader.load(memory, request), Reason.INITRD_TOO_BIG)
                .hasMessageStartingWith(initrd.toString());
    }

    @Test
    void tooSmallRamReportsWhatTheKernelNeeds() throws Exception {
        var request = new BootRequest(file("kernel", TestImages.bzImage().set(b -> b.initSize = 0x100_1000).build()),
                Optional.empty(), CMDLINE, RAM, Optional.empty());

        expectReason(() -> KernelLoader.load(memory, request), Reason.NOT_ENOUGH_MEMORY)
                .hasMessageContaining("needs 33 MiB").hasMessageContaining("has 32 MiB");
        var smaller = new BootRequest(request.kernel(), Optional.empty(), CMDLINE, 24L << 20, Optional.empty());
        expectReason(() -> KernelLoader.load(memory, smaller), Reason.NOT_ENOUGH_MEMORY)
                .hasMessageContaining("needs 33 MiB").hasMessageContaining("has 24 MiB");
    }

    @Test
    void commandLineLongerThanCmdlineSizeIsRejected() throws Exception {
        Path kernel = file("kernel", TestImages.bzImage().set(b -> b.cmdlineSize = 10).build());
        var ok = new BootRequest(kernel, Optional.empty(), "0123456789", RAM, Optional.empty());
        var tooLong = new BootRequest(kernel, Optional.empty(), "0123456789A", RAM, Optional.empty());

        KernelLoader.load(memory, ok);
        expectReason(() -> KernelLoader.load(memory, tooLong), Reason.CMDLINE_TOO_LONG)
                .hasMessageContaining("11 bytes").hasMessageContaining("at most 10");
    }

    @Test
    void commandLineWithNulIsRejected() throws Exception {
        var request = new BootRequest(file("kernel", TestImages.bzImage().build()), Optional.empty(),
                "a\0b", RAM, Optional.empty());

        expectReason(() -> KernelLoader.load(memory, request), Reason.CMDLINE_INVALID);
    }

    @Test
    void oldProtocolIsRejected() {
        expectReason(() -> load(TestImages.bzImage().set(b -> b.version = 0x0205).build()), Reason.PROTOCOL_TOO_OLD)
                .hasMessageContaining("2.05");
    }

    @Test
    void kernelWithout64BitEntryIsRejected() {
        expectReason(() -> load(TestImages.bzImage().set(b -> b.xloadflags = 0x2).build()), Reason.NOT_64BIT);
        expectReason(() -> load(TestImages.bzImage().set(b -> b.version = 0x020a).build()), Reason.NOT_64BIT);
    }

    @Test
    void zImageIsRejected() {
        expectReason(() -> load(TestImages.bzImage().set(b -> b.loadflags = 0).build()), Reason.BAD_HEADER);
    }

    @Test
    void initSizeSmallerThanTheKernelIsRejected() {
        expectReason(() -> load(TestImages.bzImage().set(b -> b.initSize = 0x1000).build()), Reason.BAD_HEADER);
    }

    @Test
    void somethingElseIsNotAKernel() {
        byte[] text = "#!/bin/sh\necho this is a script\n".repeat(40).getBytes(StandardCharsets.US_ASCII);

        expectReason(() -> load(text), Reason.BAD_MAGIC).hasMessageContaining("not a kernel");
        expectReason(() -> load(new byte[100]), Reason.TOO_SMALL).hasMessageContaining("not a kernel");
    }

    @Test
    void missingFileIsUnreadable() {
        var request = request(dir.resolve("nope"));

        expectReason(() -> KernelLoader.load(memory, request), Reason.UNREADABLE)
                .hasMessage(dir.resolve("nope") + ": can't read kernel: no such file");
    }

    static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> expectReason(
            ThrowingCallable call, Reason reason) {
        return assertThatThrownBy(call).isInstanceOf(KernelLoadException.class)
                .satisfies(e -> assertThat(((KernelLoadException) e).reason()).isEqualTo(reason));
    }
}
