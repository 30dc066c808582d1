package jvmm.vmm.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jvmm.vmm.config.VmConfig;

/**
 * Runs {@code tools/vmm} as a child process, the way users do: on hardware KVM directly, through
 * the KVM sandbox elsewhere (the VMM decides and says so on stderr). Collects stdout and stderr
 * apart; a run that outlives its timeout is killed with all its descendants.
 */
final class VmmProcess {

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout (tail) ---\n" + tail(stdout) + "\n--- stderr (tail) ---\n" + tail(stderr);
        }

        private static String tail(String s) {
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        }
    }

    private VmmProcess() {
    }

    static Path root() {
        String r = System.getenv("JVMM_ROOT");
        Path p = r != null ? Path.of(r) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isExecutable(p.resolve("tools/vmm"))) {
            throw new IllegalStateException("can't find tools/vmm under " + p + " (set JVMM_ROOT)");
        }
        return p;
    }

    /** The default command line plus {@code jvmm.cmd}: the guest runs {@code command} and powers off. */
    static String cmdlineRunning(String command) {
        return VmConfig.DEFAULT_CMDLINE + " jvmm.cmd="
                + Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Console input sent once {@code expect} has appeared on stdout (after the previous step's
     * match); a {@code null} send kills the VMM and everything it started with SIGKILL instead.
     */
    record Step(String expect, String send) {
        static Step killOn(String expect) {
            return new Step(expect, null);
        }
    }

    /** Runs the VMM and plays {@code steps} on its console, like an expect script. */
    static Result run(Duration timeout, List<Step> steps, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root().resolve("tools/vmm").toString());
        cmd.addAll(List.of(args));
        return exec(timeout, steps, cmd);
    }

    /** Runs {@code cmd} (which starts the VMM in its own way, e.g. in a network namespace) like {@link #run}. */
    static Result exec(Duration timeout, List<Step> steps, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(root().toFile()).start();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread o = Thread.ofPlatform().start(() -> copy(p.getInputStream(), out));
        Thread e = Thread.ofPlatform().start(() -> copy(p.getErrorStream(), err));
        Thread.ofPlatform().daemon().start(() -> play(steps, out, p));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        o.join();
        e.join();
        return new Result(p.exitValue(), textOf(out), textOf(err));
    }

    private static void play(List<Step> steps, ByteArrayOutputStream out, Process p) {
        int from = 0;
        try (var in = p.getOutputStream()) {
            for (Step step : steps) {
                int at;
                while ((at = textOf(out).indexOf(step.expect(), from)) < 0) {
                    if (!p.isAlive()) {
                        return;
                    }
                    synchronized (out) {
                        out.wait(200);
                    }
                }
                from = at + step.expect().length();
                if (step.send() == null) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    return;
                }
                in.write(step.send().getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
        } catch (IOException | InterruptedException ignored) {
            // the VMM ended: the assertions on its output tell what happened
        }
    }

    private static String textOf(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (to) {
                    to.write(buf, 0, n);
                    to.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }
}
