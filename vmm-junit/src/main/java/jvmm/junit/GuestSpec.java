package jvmm.junit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to boot: a builder for one guest. Unset parts take the VMM's defaults (the default guest,
 * 512M, one vCPU, the default command line). Disks are host files given to the guest as vda,
 * vdb, ... in order; {@link #scratchDisk} and {@link #copyOfDisk} make files that the VM's
 * teardown deletes.
 */
public final class GuestSpec {

    /** One disk: a file to use, or one to create (blank of a size, or a copy of another) and delete afterwards. */
    public record Disk(Path path, long createBytes, Path copyFrom, boolean readOnly) {
        boolean created() {
            return createBytes > 0 || copyFrom != null;
        }
    }

    private Path kernel;
    private Path initrd;
    private String cmdline;
    private final List<String> appendCmdline = new ArrayList<>();
    private String memory;
    private int cpus;
    private boolean virtioConsole;
    private final List<Disk> disks = new ArrayList<>();
    private final List<String> vmmArgs = new ArrayList<>();
    private final List<String> taps = new ArrayList<>();

    /** The default guest with the VMM's defaults. */
    public static GuestSpec defaultGuest() {
        return new GuestSpec();
    }

    public GuestSpec kernel(Path k) {
        this.kernel = Objects.requireNonNull(k);
        return this;
    }

    public GuestSpec initrd(Path i) {
        this.initrd = Objects.requireNonNull(i);
        return this;
    }

    /** Replaces the kernel command line. */
    public GuestSpec cmdline(String c) {
        this.cmdline = Objects.requireNonNull(c);
        return this;
    }

    /** Appends words to the kernel command line (the default one unless {@link #cmdline} replaced it). */
    public GuestSpec appendCmdline(String words) {
        this.appendCmdline.add(Objects.requireNonNull(words));
        return this;
    }

    /** Guest RAM as the VMM takes it: {@code 512M}, {@code 2G}. */
    public GuestSpec memory(String m) {
        this.memory = Objects.requireNonNull(m);
        return this;
    }

    public GuestSpec cpus(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("cpus must be at least 1: " + n);
        }
        this.cpus = n;
        return this;
    }

    /** The console (stdin/stdout) on virtio-console hvc0 instead of the serial port. */
    public GuestSpec virtioConsole() {
        this.virtioConsole = true;
        return this;
    }

    /** An existing raw image, read-write. */
    public GuestSpec disk(Path image) {
        disks.add(new Disk(image.toAbsolutePath(), 0, null, false));
        return this;
    }

    /** An existing raw image, read-only to the guest. */
    public GuestSpec readOnlyDisk(Path image) {
        disks.add(new Disk(image.toAbsolutePath(), 0, null, true));
        return this;
    }

    /** A blank sparse image of {@code bytes}, created for this VM and deleted at teardown. */
    public GuestSpec scratchDisk(long bytes) {
        if (bytes <= 0 || bytes % 512 != 0) {
            throw new IllegalArgumentException("a scratch disk needs a positive multiple of 512 bytes: " + bytes);
        }
        disks.add(new Disk(null, bytes, null, false));
        return this;
    }

    /** A private copy of {@code image}, so the guest may write it; deleted at teardown. */
    public GuestSpec copyOfDisk(Path image) {
        disks.add(new Disk(null, 0, image.toAbsolutePath(), false));
        return this;
    }

    /**
     * A virtio-net NIC on the existing TAP interface {@code name} (the guest's eth0, eth1, ... in
     * order), with {@code mac} as its address when not null. The TAP must exist in the kernel
     * the VMM runs on: this host's with hardware KVM; inside the KVM sandbox, the sandbox's (see
     * jvmm's NetBootIT for a test that creates it there).
     */
    public GuestSpec tap(String name, String mac) {
        taps.add("tap=" + Objects.requireNonNull(name) + (mac == null ? "" : ",mac=" + mac));
        return this;
    }

    /**
     * Extra arguments for {@code vmm run}, e.g. {@code --expect} or options this builder lacks.
     * They come after the spec's own options: a {@code --disk} given here follows the spec's disks.
     */
    public GuestSpec vmmArgs(String... args) {
        vmmArgs.addAll(List.of(args));
        return this;
    }

    List<Disk> disks() {
        return List.copyOf(disks);
    }

    /**
     * The {@code vmm run} arguments for this spec, with {@code diskPaths} the files standing for
     * {@link #disks()} in order (created ones included).
     */
    List<String> runArgs(List<Path> diskPaths) {
        List<String> args = new ArrayList<>(List.of("run"));
        if (kernel != null) {
            args.addAll(List.of("--kernel", kernel.toAbsolutePath().toString()));
        }
        if (initrd != null) {
            args.addAll(List.of("--initrd", initrd.toAbsolutePath().toString()));
        }
        String line = cmdline;
        if (!appendCmdline.isEmpty()) {
            line = (line == null ? DEFAULT_CMDLINE : line) + " " + String.join(" ", appendCmdline);
        }
        if (line != null) {
            args.addAll(List.of("--cmdline", line));
        }
        if (memory != null) {
            args.addAll(List.of("--memory", memory));
        }
        if (cpus > 0) {
            args.addAll(List.of("--cpus", Integer.toString(cpus)));
        }
        if (virtioConsole) {
            args.addAll(List.of("--console", "virtio"));
        }
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            args.addAll(List.of("--disk", diskPaths.get(i) + (d.readOnly() ? ",ro" : "")));
        }
        for (String t : taps) {
            args.addAll(List.of("--net", t));
        }
        args.addAll(vmmArgs);
        return args;
    }

    /** The VMM's default kernel command line (`vmm run --help` shows it). */
    public static final String DEFAULT_CMDLINE =
            "console=ttyS0 reboot=k panic=1 i8042.noaux i8042.nomux i8042.dumbkbd quiet";
}
