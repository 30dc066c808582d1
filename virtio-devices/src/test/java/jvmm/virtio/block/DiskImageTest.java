package jvmm.virtio.block;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jvmm.kvm.sys.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw image backend on its own: vectored I/O past IOV_MAX, zeroing, sizes, errors. */
class DiskImageTest {

    @TempDir
    Path dir;

    private Path image(int size) throws Exception {
        Path path = dir.resolve("d.img");
        Files.write(path, BlockFixture.pattern(size));
        return path;
    }

    @Test
    void readsIntoMoreBuffersThanOneSyscallTakes() throws Exception {
        try (var disk = DiskImage.open(image(64 * 1024), false); Arena arena = Arena.ofConfined()) {
            var buffers = new MemorySegment[1500];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = arena.allocate(8);
            }
            disk.read(512, buffers.clone());

            byte[] expected = Arrays.copyOfRange(BlockFixture.pattern(64 * 1024), 512, 512 + 1500 * 8);
            byte[] got = new byte[expected.length];
            for (int i = 0; i < buffers.length; i++) {
                System.arraycopy(buffers[i].toArray(JAVA_BYTE), 0, got, i * 8, 8);
            }
            assertThat(got).isEqualTo(expected);
        }
    }

    @Test
    void writesFromManyBuffersInOrder() throws Exception {
        Path path = image(64 * 1024);
        try (var disk = DiskImage.open(path, false); Arena arena = Arena.ofConfined()) {
            var buffers = new MemorySegment[1100];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = arena.allocate(4).fill((byte) i);
            }
            disk.write(0, buffers);
            disk.flush();
        }
        byte[] file = Files.readAllBytes(path);
        for (int i = 0; i < 1100 * 4; i++) {
            assertThat(file[i]).isEqualTo((byte) (i / 4));
        }
    }

    @Test
    void writeZeroesWorksWithAndWithoutUnmap() throws Exception {
        Path path = image(16 * 4096);
        try (var disk = DiskImage.open(path, false)) {
            disk.writeZeroes(4096, 8192, false);
            disk.writeZeroes(3 * 4096 + 100, 50, true);
        }
        byte[] file = Files.readAllBytes(path);
        byte[] original = BlockFixture.pattern(16 * 4096);
        assertThat(Arrays.copyOfRange(file, 4096, 3 * 4096)).containsOnly(0);
        assertThat(Arrays.copyOfRange(file, 3 * 4096 + 100, 3 * 4096 + 150)).containsOnly(0);
        assertThat(Arrays.copyOf(file, 4096)).isEqualTo(Arrays.copyOf(original, 4096));
        assertThat(file).hasSize(original.length);
    }

    @Test
    void capacityIgnoresAPartialLastSector() throws Exception {
        try (var disk = DiskImage.open(image(3 * 512 + 100), true)) {
            assertThat(disk.capacitySectors()).isEqualTo(3);
            assertThat(disk.isReadOnly()).isTrue();
        }
    }

    @Test
    void writesToAReadOnlyImageFailWithErrno() throws Exception {
        try (var disk = DiskImage.open(image(4096), true); Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> disk.write(0, new MemorySegment[] {arena.allocate(512)}))
                    .isInstanceOf(ErrnoException.class);
        }
    }

    @Test
    void readingPastTheEndOfTheFileFailsInsteadOfSpinning() throws Exception {
        try (var disk = DiskImage.open(image(4096), false); Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> disk.read(4096, new MemorySegment[] {arena.allocate(512)}))
                    .isInstanceOf(ErrnoException.class).hasMessageContaining("no progress");
        }
    }

    @Test
    void openingAMissingImageFails() {
        assertThatThrownBy(() -> DiskImage.open(dir.resolve("missing.img"), false))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("ENOENT");
    }
}
