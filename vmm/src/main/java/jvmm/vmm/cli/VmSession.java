package jvmm.vmm.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import jvmm.vmm.ExitReason;
import jvmm.vmm.HostException;
import jvmm.vmm.KvmVm;
import jvmm.vmm.Vmm;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.Durations;
import jvmm.vmm.config.VmConfig;
import jvmm.vmm.console.ConsoleRouter;
import jvmm.vmm.console.ConsoleWatch;
import jvmm.vmm.console.SerialConsole;

/**
 * One VM run on this host's KVM with the console routed for the command line: stdout (all of
 * it, or for {@code exec} only the guest command's output), an optional console log, an expect
 * watch, and an optional timeout. The caller turns the {@link Outcome} into an exit code.
 */
final class VmSession {

    /** How a run ended, with what the console watch saw. */
    record Outcome(ExitReason reason, int exitCode, String detail, Optional<Duration> timedOutAfter, ConsoleWatch watch,
                   OptionalInt commandStatus, long startNanos, long firstRunNanos) {

        /** "VMM start 0 ms, first KVM_RUN 812 ms, 'ready' 6.1 s": the times, from VMM start. */
        String times() {
            StringBuilder sb = new StringBuilder("VMM start 0 ms, first KVM_RUN ").append(since(firstRunNanos));
            for (ConsoleWatch.Match m : watch.matches()) {
                sb.append(", '").append(m.pattern().pattern()).append("' ").append(since(m.nanos()));
            }
            return sb.toString();
        }

        private String since(long nanos) {
            return nanos < 0 ? "n/a" : Durations.format(Duration.ofNanos(nanos - startNanos));
        }

        /** Prints the last console lines (for a failure report) to {@code err}. */
        void printTail(PrintStream err) {
            List<String> lines = watch.lastLines();
            if (lines.isEmpty()) {
                err.println("vmm: (the guest printed nothing on its console)");
                return;
            }
            err.println("vmm: last console lines:");
            for (String l : lines) {
                err.println("vmm:   | " + l);
            }
        }
    }

    private final VmConfig config;
    private Duration timeout;
    private Path consoleLog;
    private List<Pattern> expectations = List.of();
    private List<Pattern> failPatterns = List.of();
    private boolean commandWindowOnly;
    private java.util.function.Consumer<Vmm> onCreated = vmm -> { };
    private KvmVm.Ahead kvmAhead;

    VmSession(VmConfig config) {
        this.config = config;
    }

    VmSession timeout(Duration t) {
        this.timeout = t;
        return this;
    }

    VmSession consoleLog(Path p) {
        this.consoleLog = p;
        return this;
    }

    VmSession watch(List<Pattern> expect, List<Pattern> failOn) {
        this.expectations = List.copyOf(expect);
        this.failPatterns = List.copyOf(failOn);
        return this;
    }

    /** Shows on stdout only what the guest's command prints (between ports 0x442 and 0x441). */
    VmSession commandOutputOnly() {
        this.commandWindowOnly = true;
        return this;
    }

    /** Runs {@code hook} once the VM exists, before it runs (the API takes control of it there). */
    VmSession onCreated(java.util.function.Consumer<Vmm> hook) {
        this.onCreated = hook;
        return this;
    }

    /** Builds the VM on the KVM VM that {@code ahead} makes (or made) rather than on a new one. */
    VmSession kvmAhead(KvmVm.Ahead ahead) {
        this.kvmAhead = ahead;
        return this;
    }

    /** Opens the console log now, so a bad path is a usage error before anything starts. */
    static OutputStream openLog(Path p) {
        try {
            return Files.newOutputStream(p);
        } catch (IOException e) {
            throw new ConfigException("--console-log %s: can't write it (%s)".formatted(p, e.getMessage()));
        }
    }

    Outcome run() throws HostException, InterruptedException {
        OutputStream log = consoleLog == null ? null : openLog(consoleLog);
        var stopper = new Stopper();
        ConsoleWatch watch = new ConsoleWatch(expectations, failPatterns, new ConsoleWatch.Listener() {
            @Override
            public void allMatched() {
                stopper.stop("every expectation was seen");
            }

            @Override
            public void failPatternMatched(Pattern pattern, String line) {
                stopper.stop("fail pattern '" + pattern.pattern() + "' matched");
            }
        }, System::nanoTime);
        var router = new ConsoleRouter(new FileOutputStream(FileDescriptor.out), log, watch, commandWindowOnly);
        try (Vmm vmm = Vmm.create(config, router, SerialConsole.STDIN, kvmAhead)) {
            stopper.vmm = vmm;
            onCreated.accept(vmm);
            AtomicBoolean timedOut = new AtomicBoolean();
            Thread timer = null;
            if (timeout != null) {
                timer = Thread.ofPlatform().daemon().name("vm-timeout").start(() -> {
                    try {
                        Thread.sleep(timeout);
                        timedOut.set(true);
                        stopper.stop("timed out after " + Durations.format(timeout));
                    } catch (InterruptedException e) {
                        // the VM ended first
                    }
                });
            }
            ExitReason reason = vmm.run();
            if (timer != null) {
                timer.interrupt();
            }
            return new Outcome(reason, vmm.exitCode(), vmm.stopDetail(), timedOut.get() ? Optional.of(timeout) : Optional.empty(), watch, vmm.exitStatus().status(),
                    vmm.startNanos(), vmm.firstRunNanos());
        }
    }

    /** Stops the VM from the watch or the timer; the VM may not exist yet when output begins. */
    private static final class Stopper {
        volatile Vmm vmm;

        void stop(String why) {
            Vmm v = vmm;
            if (v != null) {
                v.requestStop(why);
            }
        }
    }

    /** The patterns of {@code option}, each compiled, or a usage error naming the bad one. */
    static List<Pattern> compile(List<String> regexes, String option) {
        return regexes.stream().map(r -> {
            try {
                return Pattern.compile(r);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigException("invalid %s '%s': %s (a Java regular expression)".formatted(option, r,
                        e.getDescription()));
            }
        }).toList();
    }

    static Optional<Duration> parseTimeout(String text) {
        return text == null ? Optional.empty() : Optional.of(Durations.parse(text, "--timeout"));
    }
}
