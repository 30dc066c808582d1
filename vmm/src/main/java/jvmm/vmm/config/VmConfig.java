package jvmm.vmm.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import jvmm.virtio.balloon.BalloonConfig;

/**
 * Everything needed to create one VM, validated: the CLI and (later) the API and config file
 * produce it, {@code Vmm.create} consumes it.
 *
 * @param kernel a bzImage or ELF vmlinux; empty when {@code firmware} starts the VM
 * @param initrd an initramfs, if any (only with a kernel)
 * @param cmdline the kernel command line (unused with firmware)
 * @param memoryBytes guest RAM in bytes
 * @param cpus the number of vCPUs
 * @param disks virtio-blk disks, in the order the guest sees them (vda, vdb, ...)
 * @param nets virtio-net NICs on TAP interfaces, in the order the guest finds them
 * @param console where stdin and stdout are connected
 * @param balloon a virtio-balloon, if any
 * @param firmware a flat image started at the reset vector instead of a kernel (QEMU's -bios)
 * @param debugExit an isa-debug-exit device, if any
 */
public record VmConfig(Optional<Path> kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int cpus,
                       List<DiskConfig> disks, List<NetConfig> nets, ConsoleMode console,
                       Optional<BalloonConfig> balloon, Optional<Path> firmware, Optional<DebugExitConfig> debugExit) {

    /** Where the guest's interactive console is: the 16550 UART, or virtio-console (hvc0). */
    public enum ConsoleMode { SERIAL, VIRTIO }

    /** A VM with no virtio devices and the serial console. */
    public VmConfig(Path kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int cpus) {
        this(kernel, initrd, cmdline, memoryBytes, cpus, List.of(), List.of(), ConsoleMode.SERIAL, Optional.empty());
    }

    /** A VM that boots {@code kernel}, with no debug-exit device. */
    public VmConfig(Path kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int cpus,
                    List<DiskConfig> disks, List<NetConfig> nets, ConsoleMode console, Optional<BalloonConfig> balloon) {
        this(Optional.of(kernel), initrd, cmdline, memoryBytes, cpus, disks, nets, console, balloon, Optional.empty(),
                Optional.empty());
    }

    /** A VM started from {@code firmware} with the serial console and no virtio devices. */
    public static VmConfig firmware(Path firmware, long memoryBytes, int cpus, Optional<DebugExitConfig> debugExit) {
        return new VmConfig(Optional.empty(), Optional.empty(), "", memoryBytes, cpus, List.of(), List.of(),
                ConsoleMode.SERIAL, Optional.empty(), Optional.of(firmware), debugExit);
    }


    public static final String DEFAULT_CMDLINE =
            "console=ttyS0 reboot=k panic=1 i8042.noaux i8042.nomux i8042.dumbkbd quiet";
    public static final long DEFAULT_MEMORY = 512L << 20;
    public static final long MIN_MEMORY = 16L << 20;
    public static final int MAX_CPUS = 254;

    public VmConfig {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(balloon, "balloon");
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(debugExit, "debugExit");
        if (kernel.isPresent() == firmware.isPresent()) {
            throw new ConfigException(kernel.isPresent() ? "--kernel and --firmware exclude each other: a VM boots a kernel "
                    + "or starts its firmware at the reset vector" : "the VM needs --kernel or --firmware");
        }
        if (firmware.isPresent() && initrd.isPresent()) {
            throw new ConfigException("--initrd needs --kernel (--firmware boots no kernel)");
        }
        disks = List.copyOf(disks);
        nets = List.copyOf(nets);
        if (memoryBytes < MIN_MEMORY) {
            throw new ConfigException("memory %s is too small: at least %s"
                    .formatted(Sizes.format(memoryBytes), Sizes.format(MIN_MEMORY)));
        }
        if (memoryBytes % 4096 != 0) {
            throw new ConfigException("memory %d bytes is not a multiple of 4K".formatted(memoryBytes));
        }
        if (balloon.isPresent() && balloon.get().amountBytes() > memoryBytes) {
            throw new ConfigException("--balloon amount=%s is more than the guest's memory (%s)"
                    .formatted(Sizes.format(balloon.get().amountBytes()), Sizes.format(memoryBytes)));
        }
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new ConfigException("--cpus %d is out of range: 1..%d".formatted(cpus, MAX_CPUS));
        }
    }
}
