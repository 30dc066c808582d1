package jvmm.vmm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import jvmm.kvm.sys.Prelink;
import jvmm.vmm.Vmm;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.Durations;
import jvmm.vmm.config.Sizes;
import jvmm.vmm.config.VmConfig;
import jvmm.vmm.console.ConsoleWatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code vmm run}: boot a kernel and wait until the guest ends, or until what is expected of it is seen. */
final class RunCommand implements Callable<Integer> {

    static final int EXIT_EXPECT_FAILED = 1;

    /** The model of {@code run} (see {@link Specs} for why it is built in code). */
    static CommandSpec spec() {
        RunCommand command = new RunCommand();
        CommandSpec spec = Specs.command("run", command);
        command.spec = spec;
        spec.usageMessage().description("Boot a Linux kernel. Without --kernel, boots the default guest "
                        + "(built from Debian packages on first use); with --firmware, starts a flat firmware image at "
                        + "the reset vector.",
                "With --expect, it is a boot test: the VM stops as soon as every expectation has been seen "
                        + "on the console (exit 0), or when a fail pattern appears, the time is up or the guest stops "
                        + "first (exit 1).")
                .footer("", "Exit status: 0 when the guest powers off or reboots, 3 when it panicked,",
                        "1 on a host or VM error, 2 on bad input, 130 when stopped by a signal or the console escape "
                                + "(Ctrl-A x),",
                        "(V << 1) | 1 when the guest writes V to the --debug-exit port (as QEMU's isa-debug-exit).",
                        "With --expect, --fail-on or --timeout: 0 when every expectation was seen, 1 otherwise (the "
                                + "reason and the last",
                        "console lines are on stderr).");
        VmOptions.addTo(spec);
        spec.addOption(Specs.repeated("--expect", "REGEX", "A pattern the console must show; repeatable, matched in "
                + "order (each after the previous match). The VM stops once all were seen.").build());
        spec.addOption(Specs.repeated("--fail-on", "REGEX", "A pattern that fails the run as soon as a console line "
                + "matches it; repeatable. Default with --expect: 'Kernel panic - not syncing', 'BUG: ', 'Oops: '.")
                .build());
        spec.addOption(Specs.text("--timeout", "DURATION", "Stop the VM after this long (e.g. 90s, 5m; a bare number is "
                + "seconds) and exit 1. Counted from the VMM's start (inside the KVM sandbox: from the VMM's start "
                + "there).").build());
        spec.addOption(Specs.path("--console-log", "FILE", "Also write the whole guest console to FILE.").build());
        spec.addOption(Specs.path("--api-socket", "PATH", "Serve the control API (HTTP/1.1 + JSON, "
                + "Firecracker-compatible) on a Unix socket at PATH. Without --kernel and --config, the VM is configured "
                + "through it and starts on PUT /actions InstanceStart.").build());
        spec.addOption(Specs.path("--config", "FILE", "The VM from a JSON file in Firecracker's --config-file schema "
                + "(boot-source, machine-config, drives, network-interfaces, balloon), instead of --kernel and the other "
                + "VM options.").build());
        spec.addOption(Specs.text("--log-level", "LEVEL", "off, error, warn, info, debug or trace (default: info). Logs go "
                + "to stderr.").build());
        spec.addOption(Specs.flag("--check", "Check the configuration, kernel and initrd (they are loaded into scratch "
                + "memory) and exit without booting.").build());
        return Specs.withHelpOptions(spec);
    }

    private CommandSpec spec;
    private VmOptions vm;
    private Path consoleLog;

    @Override
    public Integer call() throws Exception {
        ParseResult parsed = Specs.parsed(spec);
        vm = VmOptions.from(parsed);
        consoleLog = Specs.value(parsed, "--console-log", null);
        Path apiSocket = Specs.value(parsed, "--api-socket", null);
        Path configFile = Specs.value(parsed, "--config", null);
        LogLevel.set(Specs.value(parsed, "--log-level", "info"));
        expectations = VmSession.compile(Specs.values(parsed, "--expect"), "--expect");
        failPatterns = VmSession.compile(Specs.values(parsed, "--fail-on"), "--fail-on");
        if (failPatterns.isEmpty() && !expectations.isEmpty()) {
            failPatterns = ConsoleWatch.DEFAULT_FAIL_PATTERNS;
        }
        limit = VmSession.parseTimeout(Specs.value(parsed, "--timeout", null));
        boolean preBoot = apiSocket != null && configFile == null && vm.kernel == null && vm.firmware == null;
        VmConfig config = null;
        if (configFile != null) {
            if (vm.kernel != null || vm.initrd != null || !vm.disks.isEmpty() || !vm.nets.isEmpty() || vm.balloon != null) {
                throw new ConfigException("--config describes the whole VM: give --kernel, --initrd, --disk, --net and "
                        + "--balloon there, not on the command line");
            }
            if (vm.firmware != null || vm.debugExit != null) {
                throw new ConfigException("--config describes a VM that boots a kernel: --firmware and --debug-exit don't go with it");
            }
            config = ApiSupport.loadConfig(configFile);
        } else if (!preBoot) {
            config = vm.toConfig("");
        }
        if (consoleLog != null) {
            VmSession.openLog(consoleLog).close();
        }
        if (Specs.value(parsed, "--check", false)) {
            if (config == null) {
                System.err.println("vmm: configuration OK: the VM will be configured through the API");
                return 0;
            }
            Vmm.checkGuest(config);
            // tools/vmm's AOT training run is a check: wait for the downcalls' linking (Main
            // started it) so that their classes always make it into the cache.
            Prelink.await();
            // Concatenated: printf's Formatter would go into the AOT cache, which every start loads.
            System.err.println("vmm: configuration OK: "
                    + (config.kernel().isPresent() ? "kernel " + config.kernel().get() : "firmware " + config.firmware().orElseThrow())
                    + config.initrd().map(i -> ", initrd " + i).orElse("") + ", " + Sizes.format(config.memoryBytes())
                    + " memory, " + config.cpus() + " vCPU(s)");
            return 0;
        }
        if (KvmPlacement.needsSandbox()) {
            if (config != null) {
                Vmm.checkGuest(config); // bad input is reported here in seconds, not after the sandbox starts
            }
            return KvmPlacement.runInSandbox(KvmPlacement.innerArgs(spec, vm, config), config, limit);
        }
        // Directly on KVM, Vmm.create loads the guest before it takes the KVM VM: the same check.
        VmSession.Outcome o = apiSocket == null
                ? session(config).run()
                : ApiSupport.runWithApi(apiSocket, config, this::session);
        boolean watching = !expectations.isEmpty() || !failPatterns.isEmpty() || limit.isPresent();
        return watching ? verdict(o, !expectations.isEmpty(), System.err) : o.exitCode();
    }

    private List<Pattern> expectations = List.of();
    private List<Pattern> failPatterns = List.of();
    private Optional<Duration> limit = Optional.empty();

    /** A session for {@code config} with this command's console options. */
    VmSession session(VmConfig config) {
        return new VmSession(config).timeout(limit.orElse(null)).consoleLog(consoleLog).watch(expectations, failPatterns);
    }

    /** The exit code of a watched run, with its summary line (and the console's tail on failure) on {@code err}. */
    static int verdict(VmSession.Outcome o, boolean expecting, PrintStream err) {
        var watch = o.watch();
        String failure;
        if (watch.failure().isPresent()) {
            failure = watch.failure().get();
        } else if (expecting && watch.allMatched()) {
            err.printf("vmm: expect: passed, %d of %d seen (%s)%n", watch.matches().size(), watch.matches().size(), o.times());
            return 0;
        } else if (o.timedOutAfter().isPresent()) {
            failure = "timed out after " + Durations.format(o.timedOutAfter().get())
                    + watch.pending().map(p -> " waiting for " + p).orElse("");
        } else if (expecting) {
            failure = "the guest stopped (%s) before %s was seen".formatted(o.detail(), watch.pending().orElseThrow());
        } else {
            return o.exitCode(); // only fail patterns, none seen: the guest's own outcome
        }
        err.printf("vmm: expect: failed: %s (%s)%n", failure, o.times());
        o.printTail(err);
        return EXIT_EXPECT_FAILED;
    }
}
