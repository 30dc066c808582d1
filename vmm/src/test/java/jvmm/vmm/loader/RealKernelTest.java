package jvmm.vmm.loader;

import static jvmm.vmm.loader.BzImageLoaderTest.expectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import jvmm.virtio.memory.GuestAddress;
import jvmm.vmm.arch.x86.BootParams;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.loader.KernelLoadException.Reason;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loader against a real Debian kernel: $JVMM_TEST_KERNEL, else the default guest that
 * guest-images/build-default-guest caches. Without one the tests skip, except in CI (CI=true),
 * where a missing kernel is a failure: CI must test the real thing.
 */
class RealKernelTest extends LoaderFixture {

    private static final long REAL_RAM = 128L << 20;

    private Path kernel;
    private byte[] image;

    @BeforeEach
    void findKernel() throws IOException {
        Optional<Path> found = locate();
        if (found.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but no real kernel: set JVMM_TEST_KERNEL or run guest-images/build-default-guest");
            }
            Assumptions.abort("no real kernel (JVMM_TEST_KERNEL or the cached default guest)");
        }
        kernel = found.get();
        image = Files.readAllBytes(kernel);
    }

    @Override
    long ramSize() {
        return REAL_RAM;
    }

    static Optional<Path> locate() throws IOException {
        String env = System.getenv("JVMM_TEST_KERNEL");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isRegularFile);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = (xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg))
                .resolve("jvmm/guest");
        if (!Files.isDirectory(cache)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("default-"))
                    .map(d -> d.resolve("vmlinuz"))
                    .filter(Files::isRegularFile)
                    .max(Comparator.naturalOrder());
        }
    }

    @Test
    void debianKernelLoadsAsA64BitBzImage() throws Exception {
        LoadedKernel k = KernelLoader.load(memory, request(kernel));

        int setupSects = image[0x1f1] == 0 ? 4 : image[0x1f1] & 0xff;
        int setupSize = (setupSects + 1) * 512;
        assertThat(k.format()).isEqualTo(LoadedKernel.Format.BZIMAGE);
        assertThat(k.protocolVersion()).isGreaterThanOrEqualTo(0x020c);
        assertThat(k.entry()).isEqualTo(k.kernelStart().checkedAdd(0x200));
        assertThat(k.kernelEnd().value()).isLessThanOrEqualTo(REAL_RAM);
        assertThat(guestBytes(k.kernelStart(), 4096)).isEqualTo(Arrays.copyOfRange(image, setupSize, setupSize + 4096));
        assertThat(memory.readU32(Layout.ZERO_PAGE_START.checkedAdd(BootParams.HEADER))).isEqualTo(BootParams.HDRS_MAGIC);
        long initSize = memory.readU32(Layout.ZERO_PAGE_START.checkedAdd(BootParams.INIT_SIZE)) & 0xffff_ffffL;
        assertThat(k.kernelEnd()).isEqualTo(k.kernelStart().checkedAdd(initSize));
    }

    @Test
    void debianKernelInTooLittleRamSaysHowMuchItNeeds() {
        var request = new BootRequest(kernel, Optional.empty(), CMDLINE, 16L << 20, Optional.empty());

        expectReason(() -> KernelLoader.load(memory, request), Reason.NOT_ENOUGH_MEMORY)
                .hasMessageMatching(".*needs \\d+ MiB.*has 16 MiB.*");
    }

    @Test
    void truncatedDebianKernelIsTruncated() {
        int setupSize = ((image[0x1f1] == 0 ? 4 : image[0x1f1] & 0xff) + 1) * 512;
        int syssize = java.nio.ByteBuffer.wrap(image, 0x1f4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() * 16;
        for (int cut : new int[] {0x240, 0x1000, image.length / 2, setupSize + syssize - 1}) {
            expectReason(() -> load(Arrays.copyOf(image, cut)), Reason.TRUNCATED).as("cut at 0x%x", cut);
        }
    }

    @Test
    void initrdLandsBelowTheTopOfRamAndAboveTheDecompressedKernel() throws Exception {
        var request = new BootRequest(kernel, Optional.of(file("initrd", new byte[3 << 20])), CMDLINE, REAL_RAM,
                Optional.of(RSDP));

        LoadedKernel k = KernelLoader.load(memory, request);

        GuestAddress initrd = k.initrd().orElseThrow().start();
        assertThat(initrd).isGreaterThanOrEqualTo(k.kernelEnd());
        assertThat(initrd.value() + (3 << 20)).isLessThanOrEqualTo(REAL_RAM);
    }
}
