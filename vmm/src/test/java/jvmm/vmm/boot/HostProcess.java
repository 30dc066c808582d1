package jvmm.vmm.boot;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jvmm.junit.JvmmHome;

/**
 * A host command run to its end from the jvmm checkout, stdin from /dev/null, stdout and stderr
 * collected apart; one that outlives its timeout is killed with everything it started. For the
 * boot tests that drive the launcher's command line itself rather than a {@code GuestVm}.
 */
final class HostProcess {

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout (tail) ---\n" + tail(stdout) + "\n--- stderr (tail) ---\n" + tail(stderr);
        }

        private static String tail(String s) {
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        }
    }

    private HostProcess() {
    }

    static Result run(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(JvmmHome.locate().root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread o = Thread.ofPlatform().start(() -> copy(p.getInputStream(), out));
        Thread e = Thread.ofPlatform().start(() -> copy(p.getErrorStream(), err));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        o.join();
        e.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try (in) {
            in.transferTo(to);
        } catch (IOException ignored) {
            // the process went away
        }
    }
}
