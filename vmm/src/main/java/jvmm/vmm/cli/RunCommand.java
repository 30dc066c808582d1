package jvmm.vmm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import jvmm.vmm.HostException;
import jvmm.vmm.Vmm;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.DiskConfig;
import jvmm.vmm.config.NetConfig;
import jvmm.vmm.config.Sizes;
import jvmm.vmm.config.VmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmm run}: boot a kernel and wait until the guest ends. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot a Linux kernel. Without --kernel, boots the default guest "
                + "(built from Debian packages on first use)."},
        footer = {"", "Exit status: 0 when the guest powers off or reboots, 3 when it panicked,",
                "1 on a host or VM error, 2 on bad input, 130 when stopped by a signal or the console escape (Ctrl-A x)."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--kernel", paramLabel = "PATH", description = "bzImage or ELF vmlinux to boot.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "PATH", description = "initramfs to load with the kernel.")
    Path initrd;

    @Option(names = "--cmdline", paramLabel = "STR", description = "Kernel command line (default: ${DEFAULT-VALUE}).")
    String cmdline = VmConfig.DEFAULT_CMDLINE;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Guest RAM, e.g. 512M or 2G; a bare number is MiB (default: 512M).")
    String memory = "512M";

    @Option(names = "--cpus", paramLabel = "N", description = "Number of vCPUs (default: ${DEFAULT-VALUE}).")
    int cpus = 1;

    @Option(names = "--disk", paramLabel = "PATH[,ro][,id=NAME]",
            description = "A raw disk image as virtio-blk (vda, vdb, ... in order); ro makes it read-only, id sets its serial. Repeatable.")
    List<String> disks = new ArrayList<>();

    @Option(names = "--net", paramLabel = "tap=NAME[,mac=MAC]",
            description = "A virtio-net NIC on the existing TAP interface NAME (the guest's eth0, eth1, ... in order); mac sets its address (default: random, locally administered). Repeatable.")
    List<String> nets = new ArrayList<>();

    @Option(names = "--console", paramLabel = "serial|virtio",
            description = "Where stdin/stdout are connected: the serial port ttyS0 (default) or virtio-console hvc0 (the serial port still shows early boot output).")
    String consoleMode = "serial";

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "off, error, warn, info, debug or trace (default: info). Logs go to stderr.")
    String logLevel = "info";

    @Option(names = "--check", description = "Check the configuration, kernel and initrd (they are loaded into scratch memory) and exit without booting.")
    boolean check;

    @Spec
    CommandSpec spec;

    private boolean defaultGuest;

    @Override
    public Integer call() throws Exception {
        LogLevel.set(logLevel);
        VmConfig config = toConfig();
        if (check) {
            Vmm.checkGuest(config);
            System.err.printf("vmm: configuration OK: kernel %s%s, %s memory, %d vCPU(s)%n", config.kernel(),
                    config.initrd().map(i -> ", initrd " + i).orElse(""), Sizes.format(config.memoryBytes()), config.cpus());
            return 0;
        }
        if (KvmPlacement.needsSandbox()) {
            Vmm.checkGuest(config); // bad input is reported here in seconds, not after the sandbox starts
            return KvmPlacement.runInSandbox(innerArgs(config), config);
        }
        // Directly on KVM, Vmm.create loads the guest before it opens /dev/kvm: the same check.
        try (Vmm vmm = Vmm.create(config)) {
            return vmm.run().exitCode();
        }
    }

    VmConfig toConfig() throws HostException {
        long mem = Sizes.parse(memory);
        long hostMem = HostInfo.totalMemoryBytes();
        if (hostMem > 0 && mem > hostMem) {
            throw new ConfigException("--memory %s is more than the host has (%s)".formatted(memory, Sizes.format(hostMem)));
        }
        Path k = kernel;
        Optional<Path> i = Optional.ofNullable(initrd);
        if (k == null) {
            if (initrd != null) {
                throw new ConfigException("--initrd needs --kernel (the default guest brings its own initramfs)");
            }
            DefaultGuest guest = DefaultGuest.build();
            defaultGuest = true;
            k = guest.kernel();
            i = Optional.of(guest.initrd());
        }
        requireReadable(k, "--kernel");
        if (i.isPresent()) {
            requireReadable(i.get(), "--initrd");
        }
        VmConfig.ConsoleMode console = switch (consoleMode) {
            case "serial" -> VmConfig.ConsoleMode.SERIAL;
            case "virtio" -> VmConfig.ConsoleMode.VIRTIO;
            default -> throw new ConfigException("invalid --console '%s': serial or virtio".formatted(consoleMode));
        };
        String line = cmdline;
        if (defaultGuest && console == VmConfig.ConsoleMode.VIRTIO && !line.contains("jvmm.console=")) {
            line += " jvmm.console=hvc0"; // the default guest's shell then runs on hvc0
        }
        return new VmConfig(k, i, line, mem, cpus, disks.stream().map(DiskConfig::parse).toList(),
                nets.stream().map(NetConfig::parse).toList(), console);
    }

    /** The same run for the sandbox, with the default guest's files named (they are built already). */
    private List<String> innerArgs(VmConfig config) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        args.remove(0); // the top-level parse result starts with "run" itself
        if (defaultGuest) {
            // The command line may have gained default-guest words (jvmm.console=hvc0): pass the
            // final one, since inside, with --kernel given, nothing would add them.
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).equals("--cmdline")) {
                    args.subList(i, Math.min(i + 2, args.size())).clear();
                    i--;
                } else if (args.get(i).startsWith("--cmdline=")) {
                    args.remove(i--);
                }
            }
            args.addAll(List.of("--kernel", config.kernel().toString(),
                    "--initrd", config.initrd().orElseThrow().toString(), "--cmdline", config.cmdline()));
        }
        return args;
    }

    private static void requireReadable(Path p, String option) {
        if (!Files.exists(p)) {
            throw new ConfigException("%s %s: no such file".formatted(option, p));
        }
        if (!Files.isRegularFile(p)) {
            throw new ConfigException("%s %s: not a regular file".formatted(option, p));
        }
        if (!Files.isReadable(p)) {
            throw new ConfigException("%s %s: not readable (permission denied)".formatted(option, p));
        }
    }
}
