package jvmm.vmm.boot;

import static jvmm.vmm.boot.BootTests.runsCommand;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import jvmm.junit.CommandResult;
import jvmm.junit.GuestSpec;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import jvmm.vmm.ExitReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Boots the default guest (the stock Debian cloud kernel and our initramfs) with the packaged
 * VMM as a child process, through our JUnit extension: on hardware KVM directly, inside the KVM
 * sandbox where the host's KVM can't run Linux. Each test is one whole boot.
 */
class LinuxBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final String READY = "jvmm-guest: ready cpus=";

    @RegisterExtension
    static final JvmmExtension JVMM = new JvmmExtension();

    @Test
    void defaultGuestReachesItsReadyLineAndPoweroffEndsTheVmmWithZero() throws Exception {
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().appendCmdline(runsCommand("echo guest-says-hello")));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console()).contains(READY + "1 ", "guest-says-hello", "jvmm-guest: exit=0");
        assertThat(vm.vmmLog()).contains("guest userspace reached").contains("powered off");
    }

    @Test
    void twoVcpusAreReportedByTheGuestAndRebootEndsTheVmmWithZero() throws Exception {
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().cpus(2)
                .appendCmdline(runsCommand("grep -c ^processor /proc/cpuinfo; reboot -f")));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console()).contains(READY + "2 ").containsPattern("(?m)^2\\r?$");
        assertThat(vm.vmmLog()).contains("reset");
    }

    @Test
    void panickingGuestEndsTheVmmWithThePanicExitCode() throws Exception {
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest()
                .appendCmdline(runsCommand("echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger")));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isEqualTo(ExitReason.GUEST_PANIC.exitCode());
        assertThat(vm.console()).contains("Kernel panic");
    }

    @Test
    void shellOnTheSerialConsoleRunsCommandsWithTheirStatusAndOutput() throws Exception {
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest());
        // Typed once the shell's prompt is there, as a person would: input sent before the shell
        // reads its terminal may be flushed by the guest's tty set-up.
        vm.awaitLine(GuestVm.DEFAULT_PROMPT, TIMEOUT);
        CommandResult r = vm.run("cd /proc; echo typed-$((6*7)); ls nonexistent", Duration.ofMinutes(2));
        assertThat(r.status()).as(r.output()).isNotZero();
        assertThat(r.output()).startsWith("typed-42\n").contains("nonexistent");
        CommandResult pwd = vm.run("pwd", Duration.ofMinutes(2));
        assertThat(pwd).isEqualTo(new CommandResult(0, "/proc\n")); // the shell kept its state
        vm.send("poweroff -f\n");
        assertThat(vm.awaitExit(TIMEOUT)).isZero();
        assertThat(vm.console()).contains(READY);
    }
}
