package jvmm.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pins every struct size, field offset, ioctl number and constant against what gcc computes
 * from /usr/include/linux/kvm.h and glibc's headers (tools/layout-probe).
 */
class KvmLayoutsGoldenTest {

    private static List<String> golden() throws IOException {
        try (InputStream in = KvmLayoutsGoldenTest.class.getResourceAsStream("layout-probe.golden")) {
            assertThat(in).as("golden file on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void everyGoldenFactMatchesTheJavaDeclarations() throws IOException {
        List<String> lines = golden();

        assertThat(lines).hasSizeGreaterThan(300);
        assertThat(GoldenLayouts.mismatches(lines)).isEmpty();
    }

    @Test
    void wellKnownValuesArePinned() {
        assertThat(KvmLayouts.KVM_USERSPACE_MEMORY_REGION.byteSize()).isEqualTo(32);
        assertThat(KvmLayouts.offsetOf(KvmLayouts.KVM_USERSPACE_MEMORY_REGION, "guest_phys_addr")).isEqualTo(8);
        assertThat(KvmLayouts.KVM_RUN.byteSize()).isEqualTo(2352);
        assertThat(KvmLayouts.offsetOf(KvmLayouts.KVM_RUN, "io.port")).isEqualTo(34);
        assertThat(Ioctls.KVM_CREATE_VM).isEqualTo(0xAE01);
        assertThat(Ioctls.KVM_RUN).isEqualTo(0xAE80);
        assertThat(Ioctls.KVM_SET_USER_MEMORY_REGION).isEqualTo(0x4020AE46L);
        assertThat(Ioctls.KVM_GET_SREGS).isEqualTo(0x8138AE83L);
    }

    @Test
    void aLineThatDisagreesIsReported() {
        List<String> wrong = List.of("size kvm_regs 140", "ioctl KVM_RUN 0xae81", "const NO_SUCH 1");

        assertThat(GoldenLayouts.mismatches(wrong)).hasSize(3);
    }

    /** Rebuilds the probe with this machine's gcc and headers; skipped without gcc, never in CI. */
    @Test
    void freshProbeOutputMatchesTheJavaDeclarations() throws Exception {
        Path script = findProbeScript();
        boolean ci = "true".equals(System.getenv("CI"));
        boolean gcc = Files.isExecutable(Path.of("/usr/bin/gcc")) || onPath("gcc");
        assumeTrue(ci || gcc, "gcc not installed: the live layout probe is skipped (it never is when CI=true)");

        Process probe = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(probe.exitValue()).as("layout-probe.sh exit code").isZero();
        assertThat(lines).isEqualTo(golden());
        assertThat(GoldenLayouts.mismatches(lines)).isEmpty();
    }

    private static Path findProbeScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("tools/layout-probe/layout-probe.sh");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IllegalStateException("tools/layout-probe/layout-probe.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
