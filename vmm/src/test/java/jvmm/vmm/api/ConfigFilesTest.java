package jvmm.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFirecrackerConfigFileBecomesTheVm() throws Exception {
        Path kernel = Files.write(dir.resolve("vmlinux"), new byte[] {1});
        Path initrd = Files.write(dir.resolve("initrd"), new byte[] {1});
        Path disk = Files.write(dir.resolve("disk.img"), new byte[512]);
        Path file = Files.writeString(dir.resolve("vm.json"), """
                {
                  "boot-source": {"kernel_image_path": "%s", "initrd_path": "%s", "boot_args": "console=ttyS0"},
                  "machine-config": {"vcpu_count": 2, "mem_size_mib": 256, "smt": false},
                  "drives": [{"drive_id": "scratch", "path_on_host": "%s", "is_root_device": false, "is_read_only": true}],
                  "balloon": {"amount_mib": 16, "deflate_on_oom": false, "stats_polling_interval_s": 2}
                }
                """.formatted(kernel, initrd, disk));
        VmConfig c = ConfigFiles.load(file);
        assertThat(c.kernel()).contains(kernel);
        assertThat(c.initrd()).contains(initrd);
        assertThat(c.cmdline()).isEqualTo("console=ttyS0");
        assertThat(c.cpus()).isEqualTo(2);
        assertThat(c.memoryBytes()).isEqualTo(256L << 20);
        assertThat(c.disks()).singleElement().satisfies(d -> {
            assertThat(d.readOnly()).isTrue();
            assertThat(d.id()).contains("scratch");
        });
        assertThat(c.balloon()).get().satisfies(b -> assertThat(b.statsIntervalSeconds()).isEqualTo(2));
    }

    @Test
    void mistakesAreOneLineNamingTheFileAndTheProblem() throws Exception {
        Path kernel = Files.write(dir.resolve("vmlinux"), new byte[] {1});
        String[][] cases = {
                {"{}", "'boot-source' is required"},
                {"{\"boot-source\": {\"kernel_image_path\": \"" + kernel + "\"}, \"vcpus\": 2}", "unknown field 'vcpus'"},
                {"{\"boot-source\": {\"kernel_image_path\": \"" + kernel + "\"}, \"logger\": {\"log_path\": \"/x\"}}",
                        "'logger' is not supported"},
                {"{\"boot-source\": {\"kernel_image_path\": \"/nonexistent\"}}", "kernel_image_path '/nonexistent'"},
                {"{\"boot-source\": ", "malformed JSON"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve("bad.json"), c[0]);
            assertThatThrownBy(() -> ConfigFiles.load(file)).as(c[0]).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("--config " + file + ": ").hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> ConfigFiles.load(dir.resolve("missing.json"))).hasMessageContaining("can't read it");
    }
}
