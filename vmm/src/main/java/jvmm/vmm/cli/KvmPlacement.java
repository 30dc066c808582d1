package jvmm.vmm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jvmm.vmm.config.Durations;
import picocli.CommandLine.Model.CommandSpec;
import jvmm.vmm.HostException;
import jvmm.vmm.config.VmConfig;

/**
 * Where this VM runs: on the host's /dev/kvm, or inside the KVM sandbox where the host's KVM
 * can't run Linux guests. The decision is tools/kvm-where's, the one place the launcher, the
 * tests and this class share (JVMM_KVM=direct|sandbox forces it).
 */
final class KvmPlacement {

    private static final long SANDBOX_OVERHEAD = 1536L << 20;
    private static final long SANDBOX_MIN_MEMORY = 4L << 30;

    private KvmPlacement() {
    }

    /** A method, not a constant: a run that stays here then loads no java.time class. */
    private static Duration sandboxStartAllowance() {
        return Duration.ofMinutes(10);
    }

    /**
     * tools/vmm's answer, when it asked tools/kvm-where's question itself (for run and exec): a
     * shell function is cheaper than a process started from here.
     */
    static final String WHERE_PROPERTY = "jvmm.kvm.where";

    /** Whether the run must go through the sandbox. Inside the sandbox, never. */
    static boolean needsSandbox() throws HostException {
        if (System.getenv("JVMM_IN_SANDBOX") != null) {
            return false;
        }
        String told = System.getProperty(WHERE_PROPERTY, "");
        if (told.equals("direct") || told.equals("sandbox")) {
            return told.equals("sandbox");
        }
        Path where = tool("kvm-where");
        if (where == null) {
            return false; // not run from a checkout: use /dev/kvm as it is
        }
        try {
            Process p = new ProcessBuilder(where.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new HostException(where + " failed (exit " + rc + "): check JVMM_KVM (direct or sandbox)", null, 2);
            }
            return out.equals("sandbox");
        } catch (IOException e) {
            throw new HostException("can't run " + where + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted", e);
        }
    }

    /**
     * Runs {@code tools/vmm} with {@code vmmArgs} inside the KVM sandbox, sized for {@code config},
     * with this process's stdin, stdout and stderr, and returns its exit code.
     */
    static int runInSandbox(List<String> vmmArgs, VmConfig config, Optional<Duration> timeout)
            throws HostException, InterruptedException {
        System.err.println("jvmm: the host's KVM can't run Linux guests; running the VM inside the KVM sandbox (slower)");
        System.err.flush();
        // Without a config yet (configured through the API inside), the guest gets what is left.
        long memory = config == null ? SANDBOX_MIN_MEMORY : Math.max(SANDBOX_MIN_MEMORY, config.memoryBytes() + SANDBOX_OVERHEAD);
        // The sandbox's own vCPU count is its default (1; JVMM_SANDBOX_CPUS): the guest's vCPUs
        // run on it all the same, and a second one makes the emulated machine fail now and then.
        List<String> cmd = new ArrayList<>(List.of(tool("kvm-sandbox").toString(), "run",
                "--memory", (memory >> 20) + "M", "--", tool("vmm").toString()));
        cmd.addAll(vmmArgs);
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (timeout.isEmpty()) {
                return p.waitFor();
            }
            // The VMM inside times itself from its own start; this bound only catches a sandbox
            // that never gets that far.
            Duration bound = timeout.get().plus(sandboxStartAllowance());
            if (p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                return p.exitValue();
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            System.err.printf("jvmm: the KVM sandbox did not finish within --timeout plus %s; stopped it%n",
                    Durations.format(sandboxStartAllowance()));
            return 1;
        } catch (IOException e) {
            throw new HostException("can't start the KVM sandbox: " + e.getMessage(), e);
        }
    }

    /**
     * The same subcommand for the VMM inside the sandbox: the original arguments, with the default
     * guest's files named (they are built already) and the final base command line (it may have
     * gained default-guest words such as jvmm.console=hvc0, which inside, with --kernel given,
     * nothing would add). The result is mutable; element 0 is the subcommand's name.
     */
    static List<String> innerArgs(CommandSpec spec, VmOptions vm, VmConfig config) {
        List<String> original = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        List<String> args = new ArrayList<>(List.of(original.removeFirst())); // the subcommand's name
        if (vm.defaultGuest()) {
            args.addAll(List.of("--kernel", config.kernel().orElseThrow().toString(),
                    "--initrd", config.initrd().orElseThrow().toString(), "--cmdline", vm.baseCmdline()));
            boolean options = true;
            for (int i = 0; i < original.size(); i++) {
                String a = original.get(i);
                if (a.equals("--")) {
                    options = false;
                }
                if (options && a.equals("--cmdline")) {
                    i++; // and its value
                } else if (!(options && a.startsWith("--cmdline="))) {
                    args.add(a);
                }
            }
        } else {
            if (config != null && vm.initrd == null && vm.kernel != null && config.initrd().isPresent()) {
                args.addAll(List.of("--initrd", config.initrd().get().toString())); // exec's default initramfs
            }
            args.addAll(original);
        }
        return args;
    }

    private static Path tool(String name) {
        String home = System.getProperty(DefaultGuest.HOME_PROPERTY);
        if (home == null) {
            return null;
        }
        Path p = Path.of(home, "tools", name);
        return Files.isExecutable(p) ? p : null;
    }
}
