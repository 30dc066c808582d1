package jvmm.vmm.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jvmm.virtio.balloon.BalloonConfig;
import jvmm.vmm.api.ApiModels.Balloon;
import jvmm.vmm.api.ApiModels.BootSource;
import jvmm.vmm.api.ApiModels.Drive;
import jvmm.vmm.api.ApiModels.MachineConfig;
import jvmm.vmm.api.ApiModels.NetworkInterface;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.DiskConfig;
import jvmm.vmm.config.NetConfig;
import jvmm.vmm.config.VmConfig;

/**
 * The VM as the API sees it, through its life: before InstanceStart it collects the pre-boot
 * configuration (boot source, machine config, drives, network interfaces, balloon) as
 * Firecracker does; InstanceStart hands the resulting {@link VmConfig} to the thread that boots
 * it and answers once the VM exists (or with the reason it could not be created, and the
 * configuration stays editable); after that, runtime operations go to the {@link VmControl}.
 */
public final class ApiVm {

    /** Firecracker's instance states. */
    public static final String NOT_STARTED = "Not started";
    public static final String RUNNING = "Running";
    public static final String PAUSED = "Paused";

    /**
     * A start the API asked for: the configuration, and where the booting thread reports back.
     * A monitor of its own rather than a CompletableFuture, whose waiting brings the fork-join
     * pool's classes into the VMM.
     */
    public static final class StartRequest {
        private final VmConfig config;
        private boolean done;
        private Exception failure;

        StartRequest(VmConfig config) {
            this.config = config;
        }

        public VmConfig config() {
            return config;
        }

        /** The VM exists: the InstanceStart request is answered. */
        public synchronized void started() {
            if (!done) {
                done = true;
                notifyAll();
            }
        }

        /** The VM could not be made; false (and nothing changes) when it was started before. */
        public synchronized boolean failed(Exception why) {
            if (done) {
                return false;
            }
            done = true;
            failure = why;
            notifyAll();
            return true;
        }

        /** Waits for the booting thread's word: null once started, else why not. */
        synchronized Exception await() throws InterruptedException {
            while (!done) {
                wait();
            }
            return failure;
        }
    }

    private final String id;
    /** Guards {@link #pendingStart}. */
    private final Object startHandoff = new Object();
    /** The InstanceStart not yet taken by the booting thread (one at most: see {@code starting}). */
    private StartRequest pendingStart;
    private BootSource bootSource;
    private MachineConfig machine = new MachineConfig(1, VmConfig.DEFAULT_MEMORY >> 20, false, false, null, null);
    private final Map<String, Drive> drives = new LinkedHashMap<>();
    private final Map<String, NetworkInterface> nets = new LinkedHashMap<>();
    private Balloon balloon;
    private volatile VmControl control;
    private volatile boolean starting;

    public ApiVm(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The VM booted without the pre-boot flow (CLI or --config): the API controls it from now on. */
    public void attach(VmControl vm, VmConfig config) {
        synchronized (this) {
            machine = new MachineConfig(config.cpus(), config.memoryBytes() >> 20, false, false, null, null);
            balloon = config.balloon().map(b -> new Balloon(b.amountBytes() >> 20, b.deflateOnOom(),
                    b.statsIntervalSeconds(), b.freePageReporting(), null)).orElse(null);
        }
        control = vm;
    }

    public String state() {
        VmControl c = control;
        return c == null ? NOT_STARTED : c.paused() ? PAUSED : RUNNING;
    }

    /** The running VM, or a 400 naming {@code what} needs one. */
    VmControl running(String what) {
        VmControl c = control;
        if (c == null) {
            throw new ApiException(400, what + " needs a running VM: the instance has not been started");
        }
        return c;
    }

    private void requireNotStarted(String what) {
        if (control != null || starting) {
            throw new ApiException(400, what + " is only allowed before the instance starts");
        }
    }

    synchronized void putBootSource(BootSource b) {
        requireNotStarted("PUT /boot-source");
        if (b.kernelImagePath() == null || b.kernelImagePath().isBlank()) {
            throw new ApiException(400, "boot source: kernel_image_path is required");
        }
        bootSource = b;
    }

    synchronized MachineConfig machineConfig() {
        return machine;
    }

    /** PUT (all fields) or PATCH (only those given) of the machine configuration. */
    synchronized void setMachineConfig(MachineConfig m, boolean patch) {
        requireNotStarted((patch ? "PATCH" : "PUT") + " /machine-config");
        ApiModels.refuseUnsupported("machine config", "cpu_template", m.cpuTemplate(), "huge_pages",
                "None".equals(m.hugePages()) ? null : m.hugePages());
        if (Boolean.TRUE.equals(m.smt())) {
            throw new ApiException(400, "machine config: smt=true is not supported by jvmm");
        }
        if (Boolean.TRUE.equals(m.trackDirtyPages())) {
            throw new ApiException(400, "machine config: track_dirty_pages=true is not supported by jvmm");
        }
        Integer cpus = m.vcpuCount();
        Long mib = m.memSizeMib();
        if (!patch && (cpus == null || mib == null)) {
            throw new ApiException(400, "machine config: vcpu_count and mem_size_mib are required");
        }
        cpus = cpus == null ? machine.vcpuCount() : cpus;
        mib = mib == null ? machine.memSizeMib() : mib;
        if (cpus < 1 || cpus > VmConfig.MAX_CPUS) {
            throw new ApiException(400, "machine config: vcpu_count %d is out of range: 1..%d".formatted(cpus, VmConfig.MAX_CPUS));
        }
        if (mib < (VmConfig.MIN_MEMORY >> 20) || mib > (1L << 30)) {
            throw new ApiException(400, "machine config: mem_size_mib %d is out of range: %d..%d"
                    .formatted(mib, VmConfig.MIN_MEMORY >> 20, 1L << 30));
        }
        machine = new MachineConfig(cpus, mib, false, false, null, null);
    }

    synchronized void putDrive(String pathId, Drive d) {
        requireNotStarted("PUT /drives");
        if (!pathId.equals(d.driveId())) {
            throw new ApiException(400, "drive_id '%s' in the body does not match the path's '%s'".formatted(d.driveId(), pathId));
        }
        if (d.pathOnHost() == null || d.isRootDevice() == null) {
            throw new ApiException(400, "drive '%s': path_on_host and is_root_device are required".formatted(pathId));
        }
        ApiModels.refuseUnsupported("drive '" + pathId + "'", "partuuid", d.partuuid(), "rate_limiter", d.rateLimiter(),
                "socket", d.socket(), "cache_type", "Unsafe".equals(d.cacheType()) ? null : d.cacheType(),
                "io_engine", "Sync".equals(d.ioEngine()) ? null : d.ioEngine());
        if (d.isRootDevice() && drives.values().stream().anyMatch(o -> o.isRootDevice() && !o.driveId().equals(pathId))) {
            throw new ApiException(400, "drive '%s': another drive is already the root device".formatted(pathId));
        }
        drives.put(pathId, d);
    }

    synchronized void putNetwork(String pathId, NetworkInterface n) {
        requireNotStarted("PUT /network-interfaces");
        if (!pathId.equals(n.ifaceId())) {
            throw new ApiException(400, "iface_id '%s' in the body does not match the path's '%s'".formatted(n.ifaceId(), pathId));
        }
        if (n.hostDevName() == null) {
            throw new ApiException(400, "network interface '%s': host_dev_name is required".formatted(pathId));
        }
        ApiModels.refuseUnsupported("network interface '" + pathId + "'", "rx_rate_limiter", n.rxRateLimiter(),
                "tx_rate_limiter", n.txRateLimiter());
        toNetConfig(n); // the TAP name and MAC are checked now
        nets.put(pathId, n);
    }

    synchronized void putBalloon(Balloon b) {
        requireNotStarted("PUT /balloon");
        toBalloonConfig(b);
        balloon = b;
    }

    synchronized Optional<Balloon> balloonConfig() {
        return Optional.ofNullable(balloon);
    }

    /**
     * InstanceStart: builds the VM configuration, hands it to the booting thread and waits for
     * the VM to exist.
     */
    void start() throws InterruptedException {
        VmConfig config;
        synchronized (this) {
            requireNotStarted("InstanceStart");
            config = toVmConfig();
            starting = true;
        }
        var request = new StartRequest(config);
        try {
            synchronized (startHandoff) {
                pendingStart = request;
                startHandoff.notifyAll();
            }
            Exception failure = request.await();
            if (failure != null) {
                throw new ApiException(400, "the instance did not start: " + failure.getMessage());
            }
        } finally {
            synchronized (startHandoff) {
                if (pendingStart == request) { // not taken (interrupted): it must not boot later
                    pendingStart = null;
                }
            }
            starting = false;
        }
    }

    /**
     * Blocks until InstanceStart arrives; the caller boots the VM and reports through
     * {@link StartRequest#started()} or {@link StartRequest#failed}.
     */
    public StartRequest awaitStart() throws InterruptedException {
        synchronized (startHandoff) {
            while (pendingStart == null) {
                startHandoff.wait();
            }
            StartRequest request = pendingStart;
            pendingStart = null;
            return request;
        }
    }

    /** The configuration collected so far as a {@link VmConfig}, or a 400 saying what is missing or wrong. */
    synchronized VmConfig toVmConfig() {
        if (bootSource == null) {
            throw new ApiException(400, "no boot source: PUT /boot-source first");
        }
        List<Drive> ordered = new ArrayList<>(drives.values());
        ordered.sort((a, b) -> Boolean.compare(b.isRootDevice(), a.isRootDevice())); // the root drive is vda
        String cmdline = bootSource.bootArgs() == null ? VmConfig.DEFAULT_CMDLINE : bootSource.bootArgs();
        if (!ordered.isEmpty() && ordered.getFirst().isRootDevice()) {
            cmdline += " root=/dev/vda " + (Boolean.TRUE.equals(ordered.getFirst().isReadOnly()) ? "ro" : "rw");
        }
        try {
            Path kernel = existing(bootSource.kernelImagePath(), "kernel_image_path");
            Optional<Path> initrd = Optional.ofNullable(bootSource.initrdPath()).map(p -> existing(p, "initrd_path"));
            List<DiskConfig> disks = ordered.stream().map(d -> new DiskConfig(existing(d.pathOnHost(), "path_on_host"),
                    Boolean.TRUE.equals(d.isReadOnly()), Optional.of(d.driveId()))).toList();
            return new VmConfig(kernel, initrd, cmdline, machine.memSizeMib() << 20, machine.vcpuCount(), disks,
                    nets.values().stream().map(ApiVm::toNetConfig).toList(), VmConfig.ConsoleMode.SERIAL,
                    Optional.ofNullable(balloon).map(ApiVm::toBalloonConfig));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private static Path existing(String path, String field) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ApiException(400, "%s '%s': no such readable file".formatted(field, path));
        }
        return p;
    }

    static NetConfig toNetConfig(NetworkInterface n) {
        try {
            return NetConfig.parse("tap=" + n.hostDevName() + (n.guestMac() == null ? "" : ",mac=" + n.guestMac()));
        } catch (ConfigException e) {
            throw new ApiException(400, "network interface '%s': %s".formatted(n.ifaceId(), e.getMessage()));
        }
    }

    static BalloonConfig toBalloonConfig(Balloon b) {
        if (b.amountMib() == null || b.deflateOnOom() == null) {
            throw new ApiException(400, "balloon: amount_mib and deflate_on_oom are required");
        }
        ApiModels.refuseUnsupported("balloon", "free_page_hinting", Boolean.TRUE.equals(b.freePageHinting()) ? true : null);
        try {
            return new BalloonConfig(b.amountMib() << 20, b.deflateOnOom(),
                    b.statsPollingIntervalS() == null ? 0 : b.statsPollingIntervalS(), Boolean.TRUE.equals(b.freePageReporting()));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
