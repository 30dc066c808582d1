package jvmm.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvmm.tools.bench.ToolScripts.Run;
import org.junit.jupiter.api.Test;

/**
 * {@code tools/bench-net-device}: the device side on a real TAP in a namespace of its own, timed
 * against the bare system calls; its own checks (every frame sent, received whole) make it fail
 * rather than print figures when the device path loses or mangles frames.
 */
class BenchNetDeviceTest {

    private static final Pattern ROW = Pattern.compile(
            "^(transmit|receive) .* device (\\d+\\.\\d+) us .* bare (writev|readv) +(\\d+\\.\\d+) us .* device/bare (\\d+\\.\\d+)$",
            Pattern.MULTILINE);

    private static Run run(String... args) throws IOException, InterruptedException {
        // What Maven compiled for this test run, not a jar a build left behind.
        return ToolScripts.run("bench-net-device", Map.of("JVMM_BENCH_NET_DEVICE_CP", System.getProperty("java.class.path"),
                "JAVA_HOME", System.getProperty("java.home")), 120, args);
    }

    /** Root, or a user namespace that may make a network namespace; CI (root) must not skip. */
    private static boolean canMakeNetworkNamespace() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("unshare", "--net", "--map-root-user", "true").start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(Path.of("/dev/net/tun"));
    }

    @Test
    void measuresTransmitAndReceiveAgainstTheBareSystemCalls() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(canMakeNetworkNamespace(), "no network namespace or /dev/net/tun here");
        }
        Run run = run("--rounds", "1", "--round-ms", "20");

        assertThat(run.exit()).as(run.err()).isZero();
        Matcher rows = ROW.matcher(run.out());
        int count = 0;
        while (rows.find()) {
            count++;
            assertThat(Double.parseDouble(rows.group(2))).as(rows.group()).isPositive();
            assertThat(Double.parseDouble(rows.group(4))).as(rows.group()).isPositive();
            assertThat(Double.parseDouble(rows.group(5))).as(rows.group()).isPositive();
        }
        assertThat(count).as(run.out()).isEqualTo(3);
    }

    @Test
    void badArgumentsAreRefusedWithExitTwo() throws Exception {
        Run zero = run("--rounds", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("'0'").doesNotContain("Exception");

        Run unknown = run("--frames", "8");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown argument '--frames'").contains("usage:");
    }
}
