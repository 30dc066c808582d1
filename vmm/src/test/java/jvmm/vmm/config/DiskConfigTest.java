package jvmm.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskConfigTest {

    @TempDir
    Path dir;

    @Test
    void parsesPathReadOnlyAndId() throws Exception {
        Path img = Files.write(dir.resolve("a.img"), new byte[512]);
        DiskConfig d = DiskConfig.parse(img + ",ro,id=data-1");
        assertThat(d.path()).isEqualTo(img);
        assertThat(d.readOnly()).isTrue();
        assertThat(d.id()).hasValue("data-1");
        assertThat(DiskConfig.parse(img.toString()).readOnly()).isFalse();
    }

    @Test
    void badSpecsNameTheValueAndWhatIsValid() throws Exception {
        Path img = Files.write(dir.resolve("a.img"), new byte[512]);
        assertThatThrownBy(() -> DiskConfig.parse(img + ",rw")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'rw'").hasMessageContaining("ro, id=NAME");
        assertThatThrownBy(() -> DiskConfig.parse(dir.resolve("none.img").toString())).hasMessageContaining("no such file");
        assertThatThrownBy(() -> DiskConfig.parse(dir.toString())).hasMessageContaining("directory");
        assertThatThrownBy(() -> DiskConfig.parse(",ro")).hasMessageContaining("missing the image path");
        assertThatThrownBy(() -> DiskConfig.parse(img + ",id=" + "x".repeat(21))).hasMessageContaining("at most 20 bytes");
    }
}
