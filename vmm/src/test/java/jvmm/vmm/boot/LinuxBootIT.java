package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import jvmm.vmm.ExitReason;
import org.junit.jupiter.api.Test;

/**
 * Boots the default guest (the stock Debian cloud kernel and our initramfs) with the packaged
 * VMM as a child process: on hardware KVM directly, inside the KVM sandbox where the host's KVM
 * can't run Linux. Each test is one whole boot.
 */
class LinuxBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final String READY = "jvmm-guest: ready cpus=";

    @Test
    void defaultGuestReachesItsReadyLineAndPoweroffEndsTheVmmWithZero() throws Exception {
        var r = VmmProcess.run(TIMEOUT, List.of(), "run", "--cmdline", VmmProcess.cmdlineRunning("echo guest-says-hello"));
        assertThat(r.stdout()).as(r.toString()).contains(READY + "1 ", "guest-says-hello", "jvmm-guest: exit=0");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).as(r.toString()).contains("guest userspace reached").contains("powered off");
    }

    @Test
    void twoVcpusAreReportedByTheGuestAndRebootEndsTheVmmWithZero() throws Exception {
        var r = VmmProcess.run(TIMEOUT, List.of(), "run", "--cpus", "2",
                "--cmdline", VmmProcess.cmdlineRunning("grep -c ^processor /proc/cpuinfo; reboot -f"));
        assertThat(r.stdout()).as(r.toString()).contains(READY + "2 ");
        assertThat(r.stdout()).as(r.toString()).containsPattern("(?m)^2\\r?$");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).as(r.toString()).contains("reset");
    }

    @Test
    void panickingGuestEndsTheVmmWithThePanicExitCode() throws Exception {
        var r = VmmProcess.run(TIMEOUT, List.of(), "run",
                "--cmdline", VmmProcess.cmdlineRunning("echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger"));
        assertThat(r.stdout()).as(r.toString()).contains("Kernel panic");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitReason.GUEST_PANIC.exitCode());
    }

    @Test
    void shellOnTheSerialConsoleRunsWhatStdinSends() throws Exception {
        // Typed once the shell's prompt is there, as a person would: input sent before the shell
        // reads its terminal may be flushed by the guest's tty set-up.
        var r = VmmProcess.run(TIMEOUT, List.of(
                new VmmProcess.Step("jvmm-guest:/# ", "echo typed-$((6*7))\n"),
                new VmmProcess.Step("typed-42", "poweroff -f\n")), "run");
        assertThat(r.stdout()).as(r.toString()).contains(READY).contains("typed-42");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }
}
