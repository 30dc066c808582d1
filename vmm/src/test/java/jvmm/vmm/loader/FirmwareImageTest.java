package jvmm.vmm.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import jvmm.virtio.memory.GuestAddress;
import jvmm.vmm.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareImageTest {

    @TempDir
    Path dir;

    private Path file(long size) throws Exception {
        Path p = dir.resolve("fw-" + size + ".bin");
        try (var f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void aWholeNumberOfPagesIsMappedToEndAt4GiB() throws Exception {
        FirmwareImage fw = FirmwareImage.open(file(0x1_0000));
        assertThat(fw.size()).isEqualTo(0x1_0000);
        assertThat(fw.map().base()).isEqualTo(GuestAddress.of(0xffff_0000L));
        assertThat(FirmwareImage.open(file(16L << 20)).map().base()).isEqualTo(GuestAddress.of(0xff00_0000L));
    }

    @Test
    void badImagesAreOneLineErrorsNamingTheFileTheSizeAndWhatIsValid() throws Exception {
        Path odd = file(65537);
        assertThatThrownBy(() -> FirmwareImage.open(odd)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--firmware " + odd + ": 65537 bytes is not a multiple of 4 KiB")
                .hasMessageContaining("4 KiB to 16 MiB");
        Path big = file((16L << 20) + 4096);
        assertThatThrownBy(() -> FirmwareImage.open(big)).hasMessageContaining("more than 16 MiB");
        Path empty = file(0);
        assertThatThrownBy(() -> FirmwareImage.open(empty)).hasMessageContaining("empty");
        assertThatThrownBy(() -> FirmwareImage.open(dir.resolve("none"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("can't read it");
        for (Throwable t : new Throwable[] {catchIt(odd), catchIt(big), catchIt(empty)}) {
            assertThat(t.getMessage()).doesNotContain("\n");
        }
    }

    private static Throwable catchIt(Path p) {
        try {
            FirmwareImage.open(p);
            return new AssertionError("no error for " + p);
        } catch (ConfigException e) {
            return e;
        }
    }

    @Test
    void readsTheBytesUnchanged() throws Exception {
        byte[] bytes = new byte[0x2000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        Path p = Files.write(dir.resolve("fw.bin"), bytes);
        try (Arena arena = Arena.ofConfined()) {
            var target = arena.allocate(bytes.length, 4096);
            FirmwareImage.open(p).readInto(target);
            assertThat(target.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
        }
    }
}
