package jvmm.vmm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jvmm.kvm.sys.Terminal;
import jvmm.vmm.ExitReason;
import jvmm.vmm.Vmm;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.Durations;
import jvmm.vmm.config.VmConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code vmm exec -- CMD ARGS...}: boots a guest, runs one command in it and exits with the
 * command's status. The guest side is the default guest's {@code /init} ({@code jvmm.cmd}); the
 * status arrives through the exit-status port, and only the command's own output (between the
 * guest's command-start and exit-status port writes) reaches stdout.
 */
final class ExecCommand implements Callable<Integer> {

    static final int EXIT_TIMEOUT = 124;
    static final int EXIT_NO_STATUS = 125;
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./=:,+@%^-]+");

    /** The model of {@code exec} (see {@link Specs} for why it is built in code). */
    static CommandSpec spec() {
        ExecCommand command = new ExecCommand();
        CommandSpec spec = Specs.command("exec", command);
        command.spec = spec;
        spec.usageMessage().description("Boot a guest, run CMD in it, stream its output and exit with its status. "
                        + "Without --kernel, the default guest (built from Debian packages on first use); with --kernel "
                        + "and no --initrd, that kernel with the default guest's initramfs (which runs CMD).",
                "One CMD word is a shell command line (sh -c); several are run as they are, each quoted.")
                .footer("", "Exit status: CMD's own, 124 when --timeout ran out, 125 when the guest stopped without "
                                + "reporting one",
                        "(it panicked, powered off or failed first; the last console lines are on stderr), 2 on bad "
                                + "input, 1 on a host error,",
                        "130 when stopped by a signal or the console escape (Ctrl-A x).");
        VmOptions.addTo(spec);
        spec.addOption(Specs.text("--timeout", "DURATION", "Stop the VM after this long (e.g. 90s, 5m; a bare number is "
                + "seconds) and exit 124.").build());
        spec.addOption(Specs.path("--console-log", "FILE", "Write the whole guest console (boot included) to FILE.")
                .build());
        spec.addOption(Specs.text("--log-level", "LEVEL", "off, error, warn, info, debug or trace (default: warn). Logs go "
                + "to stderr.").build());
        // Set by the VMM that hands the run to the KVM sandbox, where stdin is never a terminal.
        spec.addOption(Specs.text("--stdin-tty", "auto|yes|no").hidden(true).build());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("CMD").arity("1..*").required(true).type(List.class)
                .auxiliaryTypes(String.class).description("The command to run in the guest (after --).").build());
        return Specs.withHelpOptions(spec);
    }

    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ParseResult parsed = Specs.parsed(spec);
        VmOptions vm = VmOptions.from(parsed);
        Path consoleLog = Specs.value(parsed, "--console-log", null);
        String stdinTty = Specs.value(parsed, "--stdin-tty", "auto");
        List<String> command = parsed.matchedPositionalValue(0, List.of());
        LogLevel.set(Specs.value(parsed, "--log-level", "warn"));
        Optional<Duration> limit = VmSession.parseTimeout(Specs.value(parsed, "--timeout", null));
        boolean terminal = switch (stdinTty) {
            case "auto" -> Terminal.isatty(0);
            case "yes" -> true;
            case "no" -> false;
            default -> throw new ConfigException("invalid --stdin-tty '%s': auto, yes or no".formatted(stdinTty));
        };
        String words = "jvmm.cmd=" + Base64.getEncoder().encodeToString(shellCommand(command).getBytes(StandardCharsets.UTF_8))
                + " jvmm.exec=" + (terminal ? "tty" : "raw");
        VmConfig config = vm.toConfig(words, true);
        if (consoleLog != null) {
            VmSession.openLog(consoleLog).close();
        }
        if (KvmPlacement.needsSandbox()) {
            Vmm.checkGuest(config);
            List<String> inner = KvmPlacement.innerArgs(spec, vm, config);
            inner.add(1, "--stdin-tty=" + (terminal ? "yes" : "no"));
            return KvmPlacement.runInSandbox(inner, config, limit);
        }
        VmSession.Outcome o = new VmSession(config).timeout(limit.orElse(null)).consoleLog(consoleLog)
                .commandOutputOnly().run();
        if (o.commandStatus().isPresent()) {
            return o.commandStatus().getAsInt();
        }
        if (o.timedOutAfter().isPresent()) {
            System.err.printf("vmm: exec: timed out after %s before the command finished%n",
                    Durations.format(o.timedOutAfter().get()));
            o.printTail(System.err);
            return EXIT_TIMEOUT;
        }
        if (o.reason() == ExitReason.STOPPED) {
            System.err.printf("vmm: exec: %s before the command finished%n", o.detail());
            return o.reason().exitCode(); // a signal or Ctrl-A x: the user's choice, not the guest's failure
        }
        System.err.printf("vmm: exec: the guest stopped (%s) without reporting the command's exit status%n", o.detail());
        o.printTail(System.err);
        return EXIT_NO_STATUS;
    }

    /** One word as it is (a shell command line); several joined as quoted shell words. */
    static String shellCommand(List<String> words) {
        if (words.size() == 1) {
            return words.getFirst();
        }
        return words.stream().map(ExecCommand::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (PLAIN_WORD.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
