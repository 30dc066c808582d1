package jvmm.vmm.boot;

import static jvmm.vmm.boot.BootTests.runsCommand;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jvmm.junit.JvmmHome;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel boot tests as users write them on the command line: {@code vmm run --expect/--fail-on/
 * --timeout/--console-log} and {@code vmm exec}, each one whole boot of the default guest with
 * the packaged launcher (through the KVM sandbox where the host's KVM can't run Linux).
 */
class BootTestModeIT {

    private static final Duration LIMIT = Duration.ofMinutes(8);

    @TempDir
    Path dir;

    private static HostProcess.Result vmm(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JvmmHome.locate().launcher().toString()));
        cmd.addAll(List.of(args));
        return HostProcess.run(LIMIT, cmd);
    }

    @Test
    void everyExpectationSeenInOrderStopsTheVmAtOnceWithZeroAndTheTimes() throws Exception {
        Path log = dir.resolve("console.log");
        long t0 = System.nanoTime();
        HostProcess.Result r = vmm("run", "--expect", "jvmm-guest: ready cpus=1", "--expect", "hello-\\d+", "--timeout", "6m",
                "--console-log", log.toString(),
                "--cmdline", VmConfig.DEFAULT_CMDLINE + " " + runsCommand("echo hello-$((40+2)); sleep 3600"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // Stopped when the last expectation matched, not by the guest's hour of sleep or the timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMinutes(6));
        assertThat(r.stderr()).as(r.toString())
                .containsPattern("vmm: expect: passed, 2 of 2 seen \\(VMM start 0 ms, first KVM_RUN [0-9.]+ m?s, "
                        + "'jvmm-guest: ready cpus=1' [0-9.]+ (s|min), 'hello-\\\\d\\+' [0-9.]+ (s|min)\\)");
        assertThat(r.stdout()).contains("hello-42");
        assertThat(Files.readString(log)).contains("jvmm-guest: ready cpus=1", "hello-42");
    }

    @Test
    void anExpectationNotSeenInTimeFailsNamingItWithTheLastConsoleLines() throws Exception {
        HostProcess.Result r = vmm("run", "--expect", "jvmm-guest: ready", "--expect", "never-printed", "--timeout", "100s",
                "--cmdline", VmConfig.DEFAULT_CMDLINE + " " + runsCommand("echo still-booting-fine; sleep 3600"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).as(r.toString())
                .contains("vmm: expect: failed: timed out after 100.0 s waiting for 'never-printed' (expectation 2 of 2)")
                .contains("vmm: last console lines:")
                .contains("vmm:   | still-booting-fine");
    }

    @Test
    void aKernelPanicHitsTheDefaultFailPatterns() throws Exception {
        HostProcess.Result r = vmm("run", "--expect", "never-printed", "--timeout", "6m", "--cmdline", VmConfig.DEFAULT_CMDLINE + " "
                + runsCommand("echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).as(r.toString())
                .contains("vmm: expect: failed: fail pattern 'Kernel panic - not syncing' matched: ")
                .contains("sysrq");
    }

    @Test
    void execStreamsExactlyTheCommandsOutputAndExitsWithItsStatus() throws Exception {
        String numbers = IntStream.rangeClosed(1, 5000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        HostProcess.Result r = vmm("exec", "--", "sh", "-c", "seq 1 5000; echo to-stderr >&2; printf 'a\\tb'; exit 7");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
        assertThat(r.stdout()).as(r.toString()).isEqualTo(numbers + "to-stderr\na\tb");
    }
}
