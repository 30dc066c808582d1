package jvmm.vmm;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jvmm.kvm.Cpuid;
import jvmm.kvm.Kvm;
import jvmm.kvm.KvmCap;
import jvmm.kvm.LapicState;
import jvmm.kvm.Sregs;
import jvmm.kvm.VcpuFd;
import jvmm.kvm.VmFd;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.EventFd;
import jvmm.kvm.sys.Mapping;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.vmm.acpi.AcpiTables;
import jvmm.vmm.arch.x86.Gdt;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.arch.x86.MpTable;
import jvmm.vmm.arch.x86.PageTables;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.DebugExitConfig;
import jvmm.vmm.config.DiskConfig;
import jvmm.vmm.config.NetConfig;
import jvmm.vmm.config.VmConfig;
import jvmm.vmm.config.VmConfig.ConsoleMode;
import jvmm.vmm.event.EventLoop;
import jvmm.vmm.virtio.BalloonPoller;
import jvmm.vmm.virtio.TapNets;
import jvmm.vmm.virtio.VirtioMmioSlots;
import jvmm.virtio.balloon.BalloonDevice;
import jvmm.virtio.block.BlockConfig;
import jvmm.virtio.block.BlockDevice;
import jvmm.virtio.console.ConsoleDevice;
import jvmm.virtio.net.NetDevice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jvmm.vmm.console.ConsoleOutput;
import jvmm.vmm.console.ConsoleRouter;
import jvmm.vmm.console.SerialConsole;
import jvmm.vmm.devices.AcpiPm;
import jvmm.vmm.devices.BootTimer;
import jvmm.vmm.devices.Bus;
import jvmm.vmm.devices.DebugExit;
import jvmm.vmm.devices.EventFdLine;
import jvmm.vmm.devices.ExitStatusPort;
import jvmm.vmm.devices.I8042;
import jvmm.vmm.devices.IrqLine;
import jvmm.vmm.devices.PvPanic;
import jvmm.vmm.devices.Serial16550;
import jvmm.vmm.loader.BootRequest;
import jvmm.vmm.loader.FirmwareImage;
import jvmm.vmm.loader.KernelLoadException;
import jvmm.vmm.loader.KernelLoader;
import jvmm.vmm.loader.LoadedKernel;
import jvmm.vmm.vcpu.BootCpuState;
import jvmm.vmm.vcpu.CoalescedWrites;
import jvmm.vmm.vcpu.CpuidSetup;
import jvmm.vmm.vcpu.Vcpu;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The composition root: owns every fd, mapping and thread of one VM, builds them in order and
 * tears them down in reverse. {@link #create} sets the VM up to the point where the vCPUs could
 * run; {@link #run} runs it until the guest ends.
 */
public final class Vmm implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Vmm.class);

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final VmLifecycle lifecycle = new VmLifecycle();
    private final List<Vcpu> vcpus = new ArrayList<>();
    private final Bus pio = new Bus("pio");
    private final Bus mmio = new Bus("mmio");
    private final long startNanos;
    private static final long VIRTIO_CONSOLE_BACKLOG = 64 * 1024;
    private EventLoop eventLoop;
    private CoalescedWrites coalesced = CoalescedWrites.NONE;
    private BootTimer bootTimer;
    private ExitStatusPort exitStatus;
    private SerialConsole console;
    private BalloonDevice balloon;
    private BalloonPoller balloonPoller;
    private I8042 i8042;

    private final ConsoleRouter consoleRouter;
    private final int consoleInFd;
    private ConsoleOutput consoleOutput;

    private Vmm(long startNanos, ConsoleRouter consoleRouter, int consoleInFd) {
        this.startNanos = startNanos;
        this.consoleRouter = consoleRouter;
        this.consoleInFd = consoleInFd;
    }

    /**
     * Creates the VM that {@code config} describes.
     *
     * @throws HostException when KVM is missing, not permitted or lacks what we need
     * @throws ConfigException when the kernel can't be loaded or the request exceeds KVM's limits
     */
    public static Vmm create(VmConfig config) throws HostException {
        return create(config, new FileOutputStream(FileDescriptor.out), SerialConsole.STDIN);
    }

    /**
     * Creates the VM with its serial console on {@code consoleOut} and, when {@code consoleInFd}
     * is not -1, that file descriptor as console input (tests use a stream and no input).
     */
    public static Vmm create(VmConfig config, OutputStream consoleOut, int consoleInFd) throws HostException {
        return create(config, new ConsoleRouter(consoleOut, null, null, false), consoleInFd);
    }

    /**
     * Creates the VM with its console output going through {@code console} (stdout, console log,
     * expect watch; for {@code exec}, windows opened and closed by the guest's command ports).
     */
    public static Vmm create(VmConfig config, ConsoleRouter console, int consoleInFd) throws HostException {
        return create(config, console, consoleInFd, null);
    }

    /**
     * As {@link #create(VmConfig, ConsoleRouter, int)}, on the KVM VM that {@code ahead} made
     * (null: one made here, on its own thread beside the loading of the guest); a VM taken from
     * {@code ahead} belongs to the new Vmm, and is closed with it when the build fails. One not
     * taken yet (the configuration was refused before KVM's turn) stays in {@code ahead} for the
     * next try.
     */
    public static Vmm create(VmConfig config, ConsoleRouter console, int consoleInFd, KvmVm.Ahead ahead)
            throws HostException {
        if (ahead == null) {
            try (KvmVm.Ahead own = KvmVm.openAhead()) {
                return create(config, console, consoleInFd, own);
            }
        }
        Vmm vmm = new Vmm(VmmClock.startNanos(), console, consoleInFd);
        try {
            vmm.build(config, ahead);
            return vmm;
        } catch (HostException | RuntimeException e) {
            vmm.close();
            throw e;
        } catch (ErrnoException e) {
            vmm.close();
            throw new HostException("setting up the VM failed: " + e.getMessage(), e);
        }
    }

    private void build(VmConfig config, KvmVm.Ahead ahead) throws HostException, ErrnoException {
        // Guest memory and the kernel (or firmware) first: a bad one is reported before anything of KVM's.
        Optional<FirmwareImage> firmware = config.firmware().map(FirmwareImage::open);
        SegmentGuestMemory memory = mapMemory(config.memoryBytes(), firmware);
        VirtioMmioSlots virtio = virtioSlots(config);
        Optional<LoadedKernel> kernel = firmware.isPresent() ? Optional.empty() : Optional.of(loadGuest(memory, config, virtio));
        Optional<MemorySegment> firmwareBytes = firmware.isPresent() ? Optional.of(loadFirmware(firmware.get())) : Optional.empty();
        List<NetDevice> nets = openNets(config);
        KvmVm kvmVm = ahead.take();
        owned.add(kvmVm);
        Kvm kvm = kvmVm.kvm();
        VmFd vm = kvmVm.vm();
        checkVcpuCount(kvm, config);
        int slot = 0;
        for (SegmentGuestMemory.Region r : memory.regions()) {
            vm.setUserMemoryRegion(slot++, 0, r.base().value(), r.segment().byteSize(), r.segment());
        }
        if (firmware.isPresent()) {
            mapFirmware(kvm, vm, slot, firmware.get().map(), firmwareBytes.orElseThrow());
        }
        addLegacyDevices(vm);
        if (config.debugExit().isPresent()) {
            addDebugExit(config.debugExit().get());
        }
        addVirtioDevices(config, nets, memory, vm, virtio);
        pio.seal();
        mmio.seal();
        createVcpus(kvm, vm, config.cpus(), kernel);
        if (kernel.isPresent()) {
            LOG.debug("VM ready: {} at {}, {} vCPUs, {} MiB", kernel.get().format(), kernel.get().entry(), config.cpus(),
                    config.memoryBytes() >> 20);
        } else {
            LOG.debug("VM ready: firmware {} ({} KiB) at {}, {} vCPUs, {} MiB", firmware.get().path(),
                    firmware.get().size() >> 10, firmware.get().map().base(), config.cpus(), config.memoryBytes() >> 20);
        }
    }

    /** The firmware image in memory of its own, which the two firmware slots share. */
    private MemorySegment loadFirmware(FirmwareImage image) throws ErrnoException {
        Mapping m = Mapping.anonymous(image.size());
        owned.add(m);
        image.readInto(m.segment());
        return m.segment();
    }

    /**
     * Maps the firmware to end at 4 GiB, where the CPU's reset vector is, and its last part again
     * below 1 MiB (QEMU's isa-bios alias), read-only where KVM can (the guest's writes then exit
     * as MMIO to no device and are dropped, as writes to a ROM).
     */
    private static void mapFirmware(Kvm kvm, VmFd vm, int slot, Layout.FirmwareMap map, MemorySegment bytes)
            throws ErrnoException {
        boolean readOnly = kvm.checkExtension(KvmCap.KVM_CAP_READONLY_MEM) > 0;
        int flags = readOnly ? VmFd.KVM_MEM_READONLY : 0;
        if (!readOnly) {
            LOG.debug("this KVM has no read-only memory slots: the firmware is mapped writable");
        }
        vm.setUserMemoryRegion(slot, flags, map.base().value(), map.size(), bytes);
        vm.setUserMemoryRegion(slot + 1, flags, map.aliasBase().value(), map.aliasSize(),
                bytes.asSlice(map.aliasOffset(), map.aliasSize()));
    }

    private void addDebugExit(DebugExitConfig debugExit) {
        pio.register(debugExit.iobase(), DebugExitConfig.LENGTH, new DebugExit((value, status) -> lifecycle.requestDebugExit(
                // Concatenated, not formatted: a floor run would load java.util.Formatter and the
                // locale providers (~50 classes) for this one line.
                status, "the guest wrote " + value + " to the debug-exit port 0x" + Integer.toHexString(debugExit.iobase())
                        + " (exit status " + status + ")")));
    }

    /**
     * Checks, without KVM, that {@code config}'s kernel, initrd and command line load into its
     * memory: what a run would report before starting, for hosts that must hand the run on.
     *
     * @throws ConfigException naming what is wrong with the kernel or initrd
     */
    public static void checkGuest(VmConfig config) throws HostException {
        if (config.firmware().isPresent()) {
            FirmwareImage.open(config.firmware().get());
            return;
        }
        Vmm scratch = new Vmm(System.nanoTime(), null, -1);
        try {
            loadGuest(scratch.mapMemory(config.memoryBytes(), Optional.empty()), config, virtioSlots(config));
        } catch (ErrnoException e) {
            throw new HostException("can't map %d MiB of guest memory: %s".formatted(config.memoryBytes() >> 20,
                    e.getMessage()), e);
        } finally {
            scratch.close();
        }
    }

    private static void checkVcpuCount(Kvm kvm, VmConfig config) throws ErrnoException {
        int max = kvm.maxVcpus();
        if (config.cpus() > max) {
            throw new ConfigException("--cpus %d is more than this KVM allows (at most %d)".formatted(config.cpus(), max));
        }
    }

    /**
     * Anonymous mappings for guest RAM: nothing is resident until the guest touches it. Marked
     * MADV_DONTDUMP: a core dump of the VMM leaves the guest's memory out, and the mapping stays
     * a VMA of its own (the kernel can't merge it with the JVM's anonymous memory), so tools that
     * read /proc/PID/smaps can tell guest RAM from the VMM's own memory. With firmware, the guest
     * sees slices of the same mappings: all of them but where the firmware shows below 1 MiB.
     */
    private SegmentGuestMemory mapMemory(long size, Optional<FirmwareImage> firmware) throws ErrnoException {
        List<Layout.RamRegion> mapped = Layout.ramRegions(size);
        List<MemorySegment> segments = new ArrayList<>();
        for (Layout.RamRegion r : mapped) {
            Mapping m = Mapping.anonymous(r.size());
            owned.add(m);
            Mapping.advise(m.segment(), Mapping.MADV_DONTDUMP);
            segments.add(m.segment());
        }
        List<Layout.RamRegion> seen = firmware.isEmpty() ? mapped : Layout.ramRegions(size, firmware.get().map());
        List<SegmentGuestMemory.Region> regions = new ArrayList<>();
        for (Layout.RamRegion r : seen) {
            int i = 0;
            while (mapped.get(i).end().value() < r.end().value()) {
                i++;
            }
            long offset = r.base().value() - mapped.get(i).base().value();
            regions.add(new SegmentGuestMemory.Region(r.base(), segments.get(i).asSlice(offset, r.size())));
        }
        return new SegmentGuestMemory(regions);
    }

    private static VirtioMmioSlots virtioSlots(VmConfig config) {
        return new VirtioMmioSlots(config.disks().size() + config.nets().size() + (config.balloon().isPresent() ? 1 : 0)
                + (config.console() == ConsoleMode.VIRTIO ? 1 : 0));
    }

    private static LoadedKernel loadGuest(SegmentGuestMemory memory, VmConfig config, VirtioMmioSlots virtio) {
        Gdt.write(memory);
        PageTables.write(memory);
        var rsdp = AcpiTables.build(memory, config.cpus(), virtio.slots());
        MpTable.write(memory, config.cpus());
        try {
            return KernelLoader.load(memory, new BootRequest(config.kernel().orElseThrow(), config.initrd(),
                    config.cmdline() + virtio.cmdlineDevices(), config.memoryBytes(), Optional.of(rsdp)));
        } catch (KernelLoadException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private void addLegacyDevices(VmFd vm) throws ErrnoException {
        consoleOutput = new ConsoleOutput(consoleRouter);
        console = new SerialConsole(consoleOutput, consoleInFd, lifecycle);
        owned.add(console);
        Serial16550 serial = new Serial16550(console.output(), irq(vm, Layout.COM1_IRQ));
        console.attach(serial);
        pio.register(Layout.COM1_PORT, 8, serial);
        i8042 = new I8042(() -> lifecycle.requestStop(ExitReason.REBOOT, "the guest reset the CPU through the i8042"),
                irq(vm, Layout.I8042_KBD_IRQ));
        pio.register(Layout.I8042_DATA_PORT, Layout.I8042_COMMAND_PORT - Layout.I8042_DATA_PORT + 1, i8042);
        pio.register(Layout.ACPI_SLEEP_CONTROL_PORT, 3, new AcpiPm(Layout.ACPI_S5_SLEEP_TYPE,
                () -> lifecycle.requestStop(ExitReason.POWEROFF, "the guest powered off (ACPI S5)"),
                () -> lifecycle.requestStop(ExitReason.REBOOT, "the guest reset through the ACPI reset register")));
        bootTimer = new BootTimer(startNanos);
        pio.register(Layout.BOOT_TIMER_PORT, 1, bootTimer);
        exitStatus = new ExitStatusPort(new ExitStatusPort.Listener() {
            @Override
            public void commandStarted() {
                consoleOutput.mark(consoleRouter::openWindow);
            }

            @Override
            public void commandEnded(int status) {
                consoleOutput.mark(consoleRouter::closeWindow);
                LOG.debug("the guest command exited with status {}", status);
            }
        });
        pio.register(Layout.EXIT_STATUS_PORT, ExitStatusPort.LENGTH, exitStatus);
        pio.register(Layout.PVPANIC_PORT, 1, new PvPanic(() -> {
            LOG.warn("the guest kernel panicked");
            lifecycle.reportPanic();
        }));
    }

    /**
     * Attaches a virtio-net device to each TAP of {@code config}, before KVM is opened: a TAP that
     * doesn't exist or can't be opened is bad input, reported in one line (exit 2).
     */
    private List<NetDevice> openNets(VmConfig config) {
        List<NetDevice> nets = new ArrayList<>();
        for (NetConfig n : config.nets()) {
            NetDevice net = TapNets.open(nets.size(), n);
            owned.add(net);
            nets.add(net);
        }
        return nets;
    }

    /**
     * Disks first (vda, vdb, ... in order), then the NICs, then the balloon, then the virtio
     * console; all served by one event loop.
     */
    private void addVirtioDevices(VmConfig config, List<NetDevice> nets, SegmentGuestMemory memory, VmFd vm,
                                  VirtioMmioSlots virtio) throws ErrnoException {
        eventLoop = new EventLoop();
        owned.add(eventLoop);
        int slot = 0;
        for (DiskConfig d : config.disks()) {
            String name = "vd" + (char) ('a' + slot);
            BlockDevice disk = BlockDevice.open(name, new BlockConfig(d.path(), d.readOnly(), d.id().orElse(null)));
            owned.add(disk);
            virtio.attach(slot++, disk, memory, vm, mmio, eventLoop, owned);
        }
        for (NetDevice net : nets) {
            virtio.attach(slot++, net, memory, vm, mmio, eventLoop, owned);
        }
        if (config.balloon().isPresent()) {
            balloon = new BalloonDevice("balloon0", config.balloon().get());
            virtio.attach(slot++, balloon, memory, vm, mmio, eventLoop, owned);
            balloonPoller = BalloonPoller.start(balloon, eventLoop, owned);
        }
        if (config.console() == ConsoleMode.VIRTIO) {
            ConsoleDevice hvc = new ConsoleDevice("hvc0", data -> {
                for (byte b : data.toArray(ValueLayout.JAVA_BYTE)) {
                    console.output().accept(b);
                }
            });
            virtio.attach(slot, hvc, memory, vm, mmio, eventLoop, owned);
            console.redirectInput((bytes, len) -> {
                while (hvc.pendingInput() > VIRTIO_CONSOLE_BACKLOG && !lifecycle.isStopping()) {
                    Thread.sleep(10); // the guest isn't reading: stop taking stdin
                }
                hvc.offerInput(Arrays.copyOf(bytes, len));
            });
        }
    }

    /** An edge-triggered line into the in-kernel irqchip through an irqfd. */
    private IrqLine irq(VmFd vm, int gsi) throws ErrnoException {
        EventFd efd = EventFd.create(EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        owned.add(efd);
        vm.irqfd(efd, gsi);
        return new EventFdLine(efd, "IRQ " + gsi);
    }

    /**
     * The vCPUs with CPUID, MSRs, FPU and local APICs set up. With a kernel, the boot CPU starts in
     * long mode at its entry; with firmware (no kernel), it stays in the state KVM_CREATE_VCPU gives
     * it, the architectural reset state: real mode, CS base 0xffff0000, IP 0xfff0.
     */
    private void createVcpus(Kvm kvm, VmFd vm, int count, Optional<LoadedKernel> kernel) throws ErrnoException {
        Cpuid supported = kvm.supportedCpuid();
        // The irqchip is always KVM's (KvmVm creates it before any vCPU).
        boolean tscDeadline = kvm.checkExtension(KvmCap.KVM_CAP_TSC_DEADLINE_TIMER) > 0;
        for (int id = 0; id < count; id++) {
            VcpuFd fd = vm.createVcpu(id);
            owned.add(fd);
            if (id == 0) {
                // The serial port's transmit register: console output without an exit per byte.
                coalesced = CoalescedWrites.setUp(kvm, vm, fd, pio, mmio, eventLoop, owned, Layout.COM1_PORT, 1);
            }
            fd.setCpuid2(CpuidSetup.forVcpu(supported, id, count, tscDeadline));
            fd.setMsrs(BootCpuState.bootMsrs());
            fd.setFpu(BootCpuState.bootFpu());
            LapicState lapic = fd.getLapic();
            BootCpuState.configureLints(lapic);
            fd.setLapic(lapic);
            if (id == 0 && kernel.isPresent()) {
                // Only the boot CPU starts in the kernel; the others wait for the INIT-SIPI the
                // kernel sends them through the in-kernel local APICs.
                Sregs sregs = fd.getSregs();
                BootCpuState.longMode(sregs);
                fd.setSregs(sregs);
                fd.setRegs(BootCpuState.entryRegs(kernel.get().entry().value(), kernel.get().bootParams().value()));
            }
            vcpus.add(new Vcpu(fd, pio, mmio, coalesced, lifecycle));
        }
    }

    /** Runs the VM until the guest powers off, reboots, panics, fails, or the user stops it. */
    public ExitReason run() throws InterruptedException {
        eventLoop.start();
        console.start();
        StopSignals.install(() -> lifecycle.requestStop(ExitReason.STOPPED, "stopped by a signal"));
        for (Vcpu v : vcpus) {
            v.start();
        }
        ExitReason reason = lifecycle.await();
        for (Vcpu v : vcpus) {
            v.kick();
        }
        for (Vcpu v : vcpus) {
            v.join(2000);
        }
        coalesced.drain(); // the guest's last console bytes
        console.close();
        String times = "VMM start -> first KVM_RUN " + millisSinceStart(lifecycle.firstRunNanos())
                + ", -> guest userspace " + millisSinceStart(bootNanos() < 0 ? -1 : startNanos + bootNanos());
        if (reason == ExitReason.VM_ERROR) {
            LOG.error("VM failed: {} ({})", lifecycle.detail(), times);
        } else {
            LOG.info("VM stopped: {} ({})", lifecycle.detail(), times);
        }
        return reason;
    }

    private String millisSinceStart(long nanos) {
        if (nanos < 0) {
            return "n/a";
        }
        return BootTimer.millis(nanos - startNanos) + " ms";
    }

    /** Nanoseconds from VMM start to guest userspace (the boot-timer port), or -1. */
    public long bootNanos() {
        return bootTimer == null ? -1 : bootTimer.elapsedNanos();
    }

    /**
     * Pauses the guest: every vCPU leaves KVM_RUN and waits between exits until {@link #resume}.
     * Device work on the event loop goes on (there are no new kicks).
     *
     * @throws HostException when a vCPU does not stop within 5 s
     */
    public void pause() throws InterruptedException, HostException {
        lifecycle.requestPause();
        for (Vcpu v : vcpus) {
            v.kick();
        }
        if (!lifecycle.awaitParked(vcpus.size(), 5000)) {
            lifecycle.resume();
            throw new HostException("the vCPUs did not stop within 5 s; the VM keeps running");
        }
        LOG.info("VM paused");
    }

    public void resume() {
        lifecycle.resume();
        LOG.info("VM resumed");
    }

    public boolean paused() {
        return lifecycle.paused();
    }

    /** The balloon's statistics poller, when the balloon has statistics on. */
    public Optional<BalloonPoller> balloonPoller() {
        return Optional.ofNullable(balloonPoller);
    }

    /** The balloon, for setting its target and reading its statistics; empty without --balloon. */
    public Optional<BalloonDevice> balloon() {
        return Optional.ofNullable(balloon);
    }

    /**
     * Presses Ctrl-Alt-Del on the guest's keyboard (from any thread), as Firecracker's
     * SendCtrlAltDel does: a Linux guest with its default C_A_D restarts, and with {@code reboot=k}
     * its restart resets the CPU through the i8042, which ends the VM with
     * {@link ExitReason#REBOOT}. Logs a warning when the keyboard takes no keys now (the guest
     * disabled scanning, or has not read the previous keys).
     */
    public void sendCtrlAltDel() {
        if (i8042.sendCtrlAltDel()) {
            LOG.info("sent Ctrl-Alt-Del to the guest's keyboard");
        } else {
            LOG.warn("the guest's keyboard did not take Ctrl-Alt-Del (scanning off or its buffer full)");
        }
    }

    /**
     * The VMM's exit code for how the VM ended (after {@link #run}): the reason's, or for a debug
     * exit the status the guest asked for.
     */
    public int exitCode() {
        return lifecycle.exitCode();
    }

    public ExitStatusPort exitStatus() {
        return exitStatus;
    }

    /** Asks the VM to stop (from any thread); {@link #run} then returns {@link ExitReason#STOPPED}. */
    public void requestStop(String why) {
        lifecycle.requestStop(ExitReason.STOPPED, why);
    }

    /** What stopped the VM, once it stopped: "the guest powered off (ACPI S5)", "timed out ...". */
    public String stopDetail() {
        return lifecycle.detail();
    }

    /** {@link System#nanoTime()} at VMM start (the JVM process's start). */
    public long startNanos() {
        return startNanos;
    }

    /** {@link System#nanoTime()} of the first KVM_RUN, or -1 before it. */
    public long firstRunNanos() {
        return lifecycle.firstRunNanos();
    }

    @Override
    public void close() {
        // vCPU threads must be gone before guest memory is unmapped.
        for (Vcpu v : vcpus) {
            v.kick();
        }
        for (Vcpu v : vcpus) {
            try {
                v.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Then the event loop, before what it watches: a handler running after its timer, disk or
        // eventfd closed would fail ("used after close") and log it on every stop.
        if (eventLoop != null && owned.remove(eventLoop)) {
            eventLoop.close();
        }
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", owned.get(i), e.toString());
            }
        }
        owned.clear();
    }
}
