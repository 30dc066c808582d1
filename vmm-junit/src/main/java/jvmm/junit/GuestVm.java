package jvmm.junit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guest booted by jvmm's launcher ({@code tools/vmm run}) as a child process: on this host's
 * KVM, or inside the KVM sandbox where it can't run Linux ({@link #placement()} says which). The
 * console is the process's stdin and stdout. {@link #close()} kills the VMM and everything it
 * started (the sandbox's QEMU included) and deletes the disks made for it; the extension calls
 * it whether the test passed or not.
 *
 * <p>Waits fail the test with an {@link AssertionError} that shows the last console lines and the
 * VMM's stderr, so a failed boot test says why.
 */
public final class GuestVm implements AutoCloseable {

    /** The default guest's shell prompt, at the start of a line. */
    public static final String DEFAULT_PROMPT = "jvmm-guest:[^\\n]*# ";
    private static final AtomicLong NONCES = new AtomicLong(System.nanoTime());
    /** Busybox's line editor takes lines of up to 1023 characters. */
    private static final int MAX_TYPED_LINE = 1000;

    private final Process process;
    private final String placement;
    private final List<Path> createdFiles;
    private final Path workDir;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;
    private final OutputStream input;
    private int consumed; // console chars already matched by awaitLine/awaitText
    private boolean closed;

    private GuestVm(Process process, String placement, List<Path> createdFiles, Path workDir) {
        this.process = process;
        this.placement = placement;
        this.createdFiles = createdFiles;
        this.workDir = workDir;
        this.input = process.getOutputStream();
        this.outPump = Thread.ofPlatform().daemon().name("guest-console").start(() -> pump(process.getInputStream(), console));
        this.errPump = Thread.ofPlatform().daemon().name("guest-vmm-stderr").start(() -> pump(process.getErrorStream(), stderr));
    }

    /** Boots {@code spec} with the jvmm at {@code home}. */
    public static GuestVm boot(JvmmHome home, GuestSpec spec) throws IOException {
        Path work = Files.createTempDirectory("jvmm-guest-");
        List<Path> created = new ArrayList<>();
        List<Path> diskPaths = new ArrayList<>();
        try {
            int n = 0;
            for (GuestSpec.Disk d : spec.disks()) {
                if (!d.created()) {
                    diskPaths.add(d.path());
                    continue;
                }
                Path p = work.resolve("disk" + n++ + ".img");
                if (d.copyFrom() != null) {
                    Files.copy(d.copyFrom(), p, StandardCopyOption.COPY_ATTRIBUTES);
                } else {
                    try (FileChannel f = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        f.truncate(0).write(java.nio.ByteBuffer.wrap(new byte[1]), d.createBytes() - 1);
                    }
                }
                created.add(p);
                diskPaths.add(p);
            }
            List<String> cmd = new ArrayList<>(List.of(home.launcher().toString()));
            cmd.addAll(spec.runArgs(diskPaths));
            Process p = new ProcessBuilder(cmd).directory(home.root().toFile()).start();
            return new GuestVm(p, home.placement(), created, work);
        } catch (IOException | RuntimeException e) {
            deleteAll(created, work);
            throw e;
        }
    }

    /** {@code "direct"} (this host's KVM) or {@code "sandbox"} (the KVM sandbox). */
    public String placement() {
        return placement;
    }

    /** The VMM process (the launcher's JVM, or the sandbox's on hosts that need it). */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** The files of disks made for this VM ({@link GuestSpec#scratchDisk}, {@link GuestSpec#copyOfDisk}), in order. */
    public List<Path> createdDisks() {
        return List.copyOf(createdFiles);
    }

    /** Everything the guest printed on its console so far. */
    public String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    /** Everything the VMM wrote to stderr so far (its log). */
    public String vmmLog() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits for a console line (or the line being written, for prompts) that matches {@code regex},
     * after what earlier waits consumed, and returns the matched text.
     *
     * @throws AssertionError when it does not appear in time or the VMM exits first
     */
    public String awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (console) {
            while (true) {
                Matcher m = p.matcher(console.toString(StandardCharsets.UTF_8));
                if (m.find(consumed)) {
                    consumed = m.end();
                    return m.group();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("'%s' did not appear on the console within %s".formatted(regex, timeout));
                }
                if (!process.isAlive() && !outPump.isAlive()) {
                    throw failure("the VMM exited (status %d) before '%s' appeared on the console"
                            .formatted(process.exitValue(), regex));
                }
                console.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** Types {@code text} on the guest console. */
    public void send(String text) {
        try {
            input.write(text.getBytes(StandardCharsets.UTF_8));
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the guest console is gone (the VMM exited)", e);
        }
    }

    /**
     * Runs {@code command} (any shell text, several lines included) in the guest's shell, which
     * must be at its prompt as the default guest's is once booted, and returns its status and
     * output. The command travels base64-encoded in one typed line and runs with {@code eval} in
     * the shell itself (so {@code cd} and variables persist); its output is cut out of the console
     * between markers the shell prints around it.
     */
    public CommandResult run(String command, Duration timeout) throws InterruptedException {
        String nonce = Long.toString(NONCES.incrementAndGet(), 36);
        String encoded = Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8));
        // The markers are assembled by the shell, so the echo of the typed line never matches them.
        String line = "echo \"jvmm-\"\"begin-" + nonce + "\"; eval \"$(echo " + encoded
                + " | base64 -d)\"; echo \"jvmm-\"\"end-" + nonce + " $?\"\n";
        if (line.length() > MAX_TYPED_LINE) {
            throw new IllegalArgumentException("command too long to type into the guest's shell: %d bytes encoded, at most %d"
                    .formatted(line.length(), MAX_TYPED_LINE));
        }
        send(line);
        awaitLine("^jvmm-begin-" + nonce + "\\r?\\n", timeout);
        int from;
        synchronized (console) {
            from = consumed;
        }
        String end = awaitLine("^jvmm-end-" + nonce + " \\d+\\r?\\n", timeout);
        String text;
        synchronized (console) {
            text = console.toString(StandardCharsets.UTF_8).substring(from, consumed - end.length());
        }
        int status = Integer.parseInt(end.strip().substring(end.strip().lastIndexOf(' ') + 1));
        return new CommandResult(status, text.replace("\r\n", "\n"));
    }

    /**
     * Waits for the VMM to exit and returns its exit status (0 when the guest powered off).
     *
     * @throws AssertionError when it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw failure("the VMM still runs after " + timeout);
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    /**
     * Kills the VMM and all it started, at once (SIGKILL), as a crash would, and waits until
     * they are gone (the sandbox's QEMU takes a moment to release its memory).
     */
    public void kill() throws InterruptedException {
        List<ProcessHandle> all = process.descendants().toList();
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                System.err.printf("jvmm: pid %d (%s) outlived SIGKILL by 30 s%n", h.pid(), h.info().command().orElse("?"));
            }
        }
        outPump.join(5000);
        errPump.join(5000);
    }

    /** Kills the VM if it still runs and deletes the disks made for it. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive() || process.descendants().findAny().isPresent()) {
                kill();
            }
        } finally {
            deleteAll(createdFiles, workDir);
        }
    }

    /** An assertion failure naming {@code what}, with the console's and the VMM log's last lines. */
    public AssertionError failure(String what) {
        return new AssertionError(what + " [KVM: " + placement + "]\n--- console (last lines) ---\n" + tail(console(), 25)
                + "\n--- VMM stderr (last lines) ---\n" + tail(vmmLog(), 15));
    }

    private static String tail(String s, int lines) {
        String[] all = s.replace("\r\n", "\n").split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    private static void pump(InputStream in, ByteArrayOutputStream to) {
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
        } finally {
            synchronized (to) {
                to.notifyAll();
            }
        }
    }

    private static void deleteAll(List<Path> files, Path dir) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // best effort: a leftover temp file
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // not empty: someone put files there
        }
    }
}
