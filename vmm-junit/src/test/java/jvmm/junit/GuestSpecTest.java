package jvmm.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestSpecTest {

    @Test
    void theDefaultGuestNeedsNoArguments() {
        assertThat(GuestSpec.defaultGuest().runArgs(List.of())).containsExactly("run");
    }

    @Test
    void everyPartBecomesItsRunOption() {
        GuestSpec s = GuestSpec.defaultGuest().kernel(Path.of("/k/bzImage")).initrd(Path.of("/k/initrd"))
                .memory("1G").cpus(2).virtioConsole().disk(Path.of("/d/a.img")).readOnlyDisk(Path.of("/d/b.img"))
                .scratchDisk(1 << 20).appendCmdline("root=/dev/vda").tap("tap0", null).tap("tap1", "52:54:00:00:00:01")
                .vmmArgs("--expect", "ready");
        assertThat(s.runArgs(List.of(Path.of("/d/a.img"), Path.of("/d/b.img"), Path.of("/tmp/s.img")))).containsExactly(
                "run", "--kernel", "/k/bzImage", "--initrd", "/k/initrd",
                "--cmdline", GuestSpec.DEFAULT_CMDLINE + " root=/dev/vda", "--memory", "1G", "--cpus", "2",
                "--console", "virtio", "--disk", "/d/a.img", "--disk", "/d/b.img,ro", "--disk", "/tmp/s.img",
                "--net", "tap=tap0", "--net", "tap=tap1,mac=52:54:00:00:00:01", "--expect", "ready");
    }

    @Test
    void appendedWordsFollowAReplacedCommandLine() {
        assertThat(GuestSpec.defaultGuest().cmdline("console=ttyS0").appendCmdline("quiet").runArgs(List.of()))
                .containsExactly("run", "--cmdline", "console=ttyS0 quiet");
    }

    @Test
    void impossibleDisksAndCpusAreRefusedAtOnce() {
        assertThatThrownBy(() -> GuestSpec.defaultGuest().scratchDisk(1000)).hasMessageContaining("512");
        assertThatThrownBy(() -> GuestSpec.defaultGuest().cpus(0)).hasMessageContaining("at least 1");
    }

    @Test
    void annotationDisksAndSizes() {
        JvmmExtension ext = new JvmmExtension();
        Guest g = Annotated.class.getAnnotation(Guest.class);
        GuestSpec s = ext.toSpec(g);
        assertThat(s.disks()).hasSize(3);
        assertThat(s.disks().get(0).createBytes()).isEqualTo(64L << 20);
        assertThat(s.disks().get(1).readOnly()).isTrue();
        assertThat(s.disks().get(2).copyFrom()).isEqualTo(Path.of("/images/root.ext4"));
        assertThat(s.runArgs(List.of(Path.of("a"), Path.of("b"), Path.of("c")))).contains("--memory", "256M", "--cpus", "2")
                .containsSubsequence("--net", "tap=jt0", "--net", "tap=jt1,mac=52:54:00:00:00:02");
        assertThat(JvmmExtension.parseSize("512K")).isEqualTo(512 << 10);
        assertThatThrownBy(() -> JvmmExtension.parseSize("lots")).hasMessageContaining("lots");
    }

    @Guest(memory = "256M", cpus = 2, disks = {"scratch:64M", "/images/data.img,ro", "copy:/images/root.ext4"},
            taps = {"jt0", "jt1,mac=52:54:00:00:00:02"})
    private static final class Annotated {
    }
}
