package jvmm.vmm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jvmm.vmm.HostException;
import jvmm.virtio.balloon.BalloonConfig;
import jvmm.vmm.config.BalloonOptions;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.DebugExitConfig;
import jvmm.vmm.config.DiskConfig;
import jvmm.vmm.config.NetConfig;
import jvmm.vmm.config.Sizes;
import jvmm.vmm.config.VmConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** The options that describe one VM, shared by {@code run} and {@code exec}. */
final class VmOptions {

    /** Adds these options to {@code spec}, in the order help lists them. */
    static void addTo(CommandSpec spec) {
        spec.addOption(Specs.path("--kernel", "PATH", "bzImage or ELF vmlinux to boot.").build());
        spec.addOption(Specs.path("--initrd", "PATH", "initramfs to load with the kernel.").build());
        spec.addOption(Specs.text("--cmdline", "STR", "Kernel command line (default: " + VmConfig.DEFAULT_CMDLINE + ").")
                .build());
        spec.addOption(Specs.path("--firmware", "FILE", "Instead of a kernel: a flat firmware image (4 KiB to 16 MiB, "
                + "whole 4 KiB pages) mapped to end at 4 GiB, its last 128 KiB also below 1 MiB, started at the reset "
                + "vector in real mode, as QEMU's -bios.").build());
        spec.addOption(Specs.text("--debug-exit", "[iobase=PORT]", "An isa-debug-exit device as QEMU's (ports iobase and "
                + "iobase+1, default 0x501): a write of V ends the VM and the VMM exits with status (V << 1) | 1.")
                .arity("0..1").fallbackValue("").build());
        spec.addOption(Specs.text("--memory", "SIZE", "Guest RAM, e.g. 512M or 2G; a bare number is MiB (default: 512M).")
                .build());
        spec.addOption(Specs.text("--cpus", "N", "Number of vCPUs (default: 1).").type(int.class).build());
        spec.addOption(Specs.repeated("--disk", "PATH[,ro][,id=NAME]", "A raw disk image as virtio-blk (vda, vdb, ... in "
                + "order); ro makes it read-only, id sets its serial. Repeatable.").build());
        spec.addOption(Specs.repeated("--net", "tap=NAME[,mac=MAC]", "A virtio-net NIC on the existing TAP interface NAME "
                + "(the guest's eth0, eth1, ... in order); mac sets its address (default: random, locally administered). "
                + "Repeatable.").build());
        spec.addOption(Specs.text("--console", "serial|virtio", "Where stdin/stdout are connected: the serial port ttyS0 "
                + "(default) or virtio-console hvc0 (the serial port still shows early boot output).").build());
        spec.addOption(Specs.text("--balloon", "[amount=SIZE][,deflate-on-oom][,stats-interval=S][,free-page-reporting]",
                "A virtio-balloon: amount is how much guest memory it holds at boot (given back to the host), "
                        + "deflate-on-oom lets the guest take it back when short of memory, stats-interval polls the "
                        + "guest's memory statistics every S seconds, free-page-reporting discards the free memory the "
                        + "guest reports.").arity("0..1").fallbackValue("").build());
    }

    /** The values of these options in {@code parsed}. */
    static VmOptions from(ParseResult parsed) {
        VmOptions vm = new VmOptions();
        vm.kernel = Specs.value(parsed, "--kernel", null);
        vm.initrd = Specs.value(parsed, "--initrd", null);
        vm.cmdline = Specs.value(parsed, "--cmdline", null);
        vm.firmware = Specs.value(parsed, "--firmware", null);
        vm.debugExit = Specs.value(parsed, "--debug-exit", null);
        vm.memory = Specs.value(parsed, "--memory", "512M");
        vm.cpus = Specs.value(parsed, "--cpus", 1);
        vm.disks = Specs.values(parsed, "--disk");
        vm.nets = Specs.values(parsed, "--net");
        vm.consoleMode = Specs.value(parsed, "--console", "serial");
        vm.balloon = Specs.value(parsed, "--balloon", null);
        return vm;
    }

    Path kernel;
    Path initrd;
    String cmdline;
    Path firmware;
    String debugExit;
    String memory = "512M";
    int cpus = 1;
    List<String> disks = List.of();
    List<String> nets = List.of();
    String consoleMode = "serial";
    String balloon;

    private boolean defaultGuest;
    private String baseCmdline;

    /** Whether {@link #toConfig} picked the default guest (no --kernel). */
    boolean defaultGuest() {
        return defaultGuest;
    }

    /** The command line {@link #toConfig} used before {@code extraWords}: the user's plus the default guest's words. */
    String baseCmdline() {
        return baseCmdline;
    }

    /**
     * The VM these options describe, with {@code extraWords} appended to the kernel command line.
     * Builds the default guest when no --kernel is given.
     */
    VmConfig toConfig(String extraWords) throws HostException {
        return toConfig(extraWords, false);
    }

    /**
     * As {@link #toConfig(String)}; with {@code defaultInitrd}, a --kernel without --initrd boots
     * with the default guest's initramfs (whose /init runs {@code jvmm.cmd}).
     */
    VmConfig toConfig(String extraWords, boolean defaultInitrd) throws HostException {
        long mem = Sizes.parse(memory);
        long hostMem = HostInfo.totalMemoryBytes();
        if (hostMem > 0 && mem > hostMem) {
            throw new ConfigException("--memory %s is more than the host has (%s)".formatted(memory, Sizes.format(hostMem)));
        }
        List<DiskConfig> parsedDisks = disks.stream().map(DiskConfig::parse).toList();
        List<NetConfig> parsedNets = nets.stream().map(NetConfig::parse).toList();
        Optional<BalloonConfig> parsedBalloon = Optional.ofNullable(balloon).map(BalloonOptions::parse);
        VmConfig.ConsoleMode console = switch (consoleMode) {
            case "serial" -> VmConfig.ConsoleMode.SERIAL;
            case "virtio" -> VmConfig.ConsoleMode.VIRTIO;
            default -> throw new ConfigException("invalid --console '%s': serial or virtio".formatted(consoleMode));
        };
        Optional<DebugExitConfig> parsedDebugExit = Optional.ofNullable(debugExit).map(DebugExitConfig::parse);
        if (firmware != null) {
            return firmwareConfig(mem, parsedDisks, parsedNets, console, parsedBalloon, parsedDebugExit, defaultInitrd);
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
        } else if (initrd == null && defaultInitrd) {
            i = Optional.of(DefaultGuest.build().initrd());
        }
        requireReadable(k, "--kernel");
        if (i.isPresent()) {
            requireReadable(i.get(), "--initrd");
        }
        String line = cmdline == null ? VmConfig.DEFAULT_CMDLINE : cmdline;
        if (defaultGuest && console == VmConfig.ConsoleMode.VIRTIO && !line.contains("jvmm.console=")) {
            line += " jvmm.console=hvc0"; // the default guest's shell then runs on hvc0
        }
        baseCmdline = line;
        String full = extraWords.isEmpty() ? line : line + " " + extraWords;
        return new VmConfig(Optional.of(k), i, full, mem, cpus, parsedDisks, parsedNets, console, parsedBalloon,
                Optional.empty(), parsedDebugExit);
    }

    /** A VM started from --firmware: no kernel, initrd or command line may be given with it. */
    private VmConfig firmwareConfig(long mem, List<DiskConfig> parsedDisks, List<NetConfig> parsedNets,
                                    VmConfig.ConsoleMode console, Optional<BalloonConfig> parsedBalloon,
                                    Optional<DebugExitConfig> parsedDebugExit, boolean forCommand) {
        if (forCommand) {
            throw new ConfigException("--firmware boots no Linux guest to run a command in: exec needs --kernel or the default guest");
        }
        if (kernel != null) {
            throw new ConfigException("--kernel and --firmware exclude each other: a VM boots a kernel or starts its "
                    + "firmware at the reset vector");
        }
        if (initrd != null) {
            throw new ConfigException("--initrd needs --kernel (--firmware boots no kernel)");
        }
        if (cmdline != null) {
            throw new ConfigException("--cmdline needs --kernel (--firmware boots no kernel)");
        }
        requireReadable(firmware, "--firmware");
        baseCmdline = "";
        return new VmConfig(Optional.empty(), Optional.empty(), "", mem, cpus, parsedDisks, parsedNets, console,
                parsedBalloon, Optional.of(firmware), parsedDebugExit);
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
