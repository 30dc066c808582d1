package jvmm.vmm.arch.x86;

import java.util.ArrayList;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;

/**
 * The guest-physical map of an x86-64 VM, in one place: every address, port and IRQ that the boot
 * code, the ACPI tables and the device wiring must agree on. Everything the guest sees at a fixed
 * place is defined here and nowhere else, so that the E820 map, the ACPI tables and the buses can
 * never disagree.
 *
 * <pre>
 * 0x0000_0500  GDT                     0x0000_0520  IDT
 * 0x0000_7000  zero page (boot_params) 0x0000_8ff0  boot stack top
 * 0x0000_9000  PML4, then PDPT and 4 PDs (identity map of the first 4 GiB)
 * 0x0002_0000  kernel command line (up to 64 KiB)
 * 0x0009_fc00  EBDA start: reserved up to 1 MiB
 * 0x000e_0000  RSDP, then the other ACPI tables up to 0xf_0000
 * 0x000f_0000  MP floating pointer, then the MP configuration table up to 0x10_0000
 * 0x0010_0000  high memory: kernel, initrd, free RAM up to the MMIO hole
 * 0xd000_0000  32-bit MMIO hole: virtio-mmio windows (0x1000 each) ... IOAPIC, LAPIC, TSS
 * 0xff00_0000  (--firmware) up to 16 MiB of firmware, ending at 4 GiB
 * 0x1_0000_0000 RAM above the hole continues here
 * </pre>
 *
 * <p>A VM started from {@code --firmware} has none of the boot structures: its RAM has a hole
 * below 1 MiB where the firmware's last 128 KiB (or all of it, when smaller) show a second
 * time, as QEMU's isa-bios alias does ({@link #firmwareMap}, {@link #ramRegions(long, FirmwareMap)}).
 */
public final class Layout {

    private Layout() {}

    // ---- low memory: boot structures ----

    /** The flat GDT that {@link Gdt} writes. */
    public static final GuestAddress GDT_START = GuestAddress.of(0x500);
    /** An empty IDT: the kernel installs its own before it enables interrupts. */
    public static final GuestAddress IDT_START = GuestAddress.of(0x520);
    /** struct boot_params ("zero page"): rsi points here at the 64-bit entry. */
    public static final GuestAddress ZERO_PAGE_START = GuestAddress.of(0x7000);
    /** The initial rsp/rbp: the kernel only needs a few bytes of stack before it sets up its own. */
    public static final GuestAddress BOOT_STACK_POINTER = GuestAddress.of(0x8ff0);
    /** The PML4 of the boot page tables; the PDPT and the PDs follow page by page. */
    public static final GuestAddress PML4_START = GuestAddress.of(0x9000);
    /** The kernel command line, NUL-terminated. */
    public static final GuestAddress CMDLINE_START = GuestAddress.of(0x20000);
    /** The largest command line the layout has room for (the kernel's cmdline_size may be lower). */
    public static final long CMDLINE_MAX_SIZE = 0x10000;
    /** Start of the Extended BIOS Data Area: from here to 1 MiB is reserved in the E820 map. */
    public static final GuestAddress EBDA_START = GuestAddress.of(0x9fc00);
    /** The RSDP; the kernel also finds it by scanning 0xe0000..0xfffff on 16-byte boundaries. */
    public static final GuestAddress RSDP_START = GuestAddress.of(0xe0000);
    /** End (exclusive) of the area the ACPI tables live in. */
    public static final GuestAddress ACPI_END = GuestAddress.of(0xf0000);
    /**
     * The MP floating pointer ({@link MpTable}), 16-byte aligned in the BIOS ROM area that
     * kernels without ACPI scan (0xf0000..0xfffff); its configuration table follows it.
     */
    public static final GuestAddress MP_TABLE_START = GuestAddress.of(0xf0000);
    /** End (exclusive) of the MP table area. */
    public static final GuestAddress MP_TABLE_END = GuestAddress.of(0x100000);
    /** 1 MiB: where "high" memory (kernel, initrd) starts. */
    public static final GuestAddress HIGH_MEMORY_START = GuestAddress.of(0x100000);

    // ---- the 32-bit MMIO hole and the devices in it ----

    /** Start of the 32-bit MMIO hole: RAM stops here and resumes at {@link #RAM_ABOVE_HOLE_START}. */
    public static final GuestAddress MMIO_HOLE_START = GuestAddress.of(0xd000_0000L);
    /** 4 GiB: end of the MMIO hole and start of the RAM that did not fit below it. */
    public static final GuestAddress RAM_ABOVE_HOLE_START = GuestAddress.of(0x1_0000_0000L);
    /** The first virtio-mmio transport's register window. */
    public static final GuestAddress VIRTIO_MMIO_BASE = MMIO_HOLE_START;
    /** Bytes of MMIO space per virtio-mmio transport (the registers use the first 0x200). */
    public static final long VIRTIO_MMIO_SIZE = 0x1000;
    /** The GSI of the first virtio-mmio transport; the n-th one gets this plus n. */
    public static final int VIRTIO_MMIO_FIRST_IRQ = 5;
    /** The highest GSI a virtio-mmio transport may use (the IOAPIC has 24 pins). */
    public static final int VIRTIO_MMIO_LAST_IRQ = 23;
    public static final GuestAddress IOAPIC_START = GuestAddress.of(0xfec0_0000L);
    /** KVM's in-kernel IOAPIC has 24 input pins, GSIs 0..23. */
    public static final int IOAPIC_PINS = 24;
    public static final GuestAddress LAPIC_START = GuestAddress.of(0xfee0_0000L);
    /**
     * Three pages KVM needs for the real-mode TSS on Intel (KVM_SET_TSS_ADDR), right below the
     * largest firmware (KVM refuses a memory slot that overlaps them).
     */
    public static final GuestAddress KVM_TSS_START = GuestAddress.of(0xfeff_d000L);
    /** One page KVM needs for the EPT identity map on Intel (KVM_SET_IDENTITY_MAP_ADDR). */
    public static final GuestAddress KVM_IDENTITY_MAP_START = GuestAddress.of(0xfeff_c000L);

    // ---- firmware (--firmware, QEMU's -bios) ----

    /** The firmware image ends here, so that its last 16 bytes hold the reset vector 0xffff_fff0. */
    public static final GuestAddress FIRMWARE_END = RAM_ABOVE_HOLE_START;
    /** The largest firmware image: it then starts at 0xff00_0000. */
    public static final long FIRMWARE_MAX_SIZE = 16L << 20;
    /** Firmware images are whole pages (KVM maps them as a memory slot). */
    public static final long FIRMWARE_ALIGNMENT = 0x1000;
    /** The most of the firmware's end that also shows right below 1 MiB (the legacy BIOS area). */
    public static final long FIRMWARE_LOW_ALIAS_MAX_SIZE = 0x2_0000;

    // ---- port I/O ----

    public static final int I8042_DATA_PORT = 0x60;
    public static final int I8042_COMMAND_PORT = 0x64;
    /** The i8042's keyboard interrupt, ISA IRQ 1 (Linux's I8042_KBD_IRQ). */
    public static final int I8042_KBD_IRQ = 1;
    public static final int COM1_PORT = 0x3f8;
    public static final int COM1_IRQ = 4;
    /** The hardware-reduced ACPI sleep control register (FADT SLEEP_CONTROL_REG). */
    public static final int ACPI_SLEEP_CONTROL_PORT = 0x3c0;
    /** The hardware-reduced ACPI sleep status register (FADT SLEEP_STATUS_REG). */
    public static final int ACPI_SLEEP_STATUS_PORT = 0x3c1;
    /** The ACPI reset register (FADT RESET_REG). */
    public static final int ACPI_RESET_PORT = 0x3c2;
    /** What the guest writes to {@link #ACPI_RESET_PORT} to reboot (FADT RESET_VALUE). */
    public static final int ACPI_RESET_VALUE = 1;
    /** The SLP_TYP value of the DSDT's \_S5_ package: written with SLP_EN to power off. */
    public static final int ACPI_S5_SLEEP_TYPE = 5;
    public static final int BOOT_TIMER_PORT = 0x440;
    /** The guest command ports: exit status at 0x441, command start at 0x442 (ExitStatusPort). */
    public static final int EXIT_STATUS_PORT = 0x441;
    /** The pvpanic device's port (ACPI _HID "QEMU0001"), where QEMU's ISA pvpanic sits too. */
    public static final int PVPANIC_PORT = 0x505;

    /** Ports a device owns: {@code [base, base + length)}. */
    public record PortRange(String device, int base, int length) {
        public boolean overlaps(int otherBase, int otherLength) {
            return otherBase < base + length && base < otherBase + otherLength;
        }
    }

    /**
     * The ports of the devices every VM has, for checking a device the user places (--debug-exit)
     * against them; the VMM registers these devices with the same ranges.
     */
    public static final List<PortRange> FIXED_PORTS = List.of(
            new PortRange("the i8042", I8042_DATA_PORT, I8042_COMMAND_PORT - I8042_DATA_PORT + 1),
            new PortRange("the ACPI sleep and reset registers", ACPI_SLEEP_CONTROL_PORT, 3),
            new PortRange("COM1", COM1_PORT, 8),
            new PortRange("the boot timer", BOOT_TIMER_PORT, 1),
            new PortRange("the guest command ports", EXIT_STATUS_PORT, 2),
            new PortRange("pvpanic", PVPANIC_PORT, 1));

    /** One contiguous range of guest RAM. */
    public record RamRegion(GuestAddress base, long size) {
        public RamRegion {
            if (size <= 0) {
                throw new IllegalArgumentException("RAM region size must be positive: " + size);
            }
            base.checkedAdd(size);
        }

        /** The first address after the region. */
        public GuestAddress end() {
            return base.checkedAdd(size);
        }
    }

    /**
     * The RAM regions for {@code memorySize} bytes of guest RAM: one region from 0 when it fits
     * below the MMIO hole, else the part below the hole plus the rest from 4 GiB.
     *
     * @throws IllegalArgumentException when the size is not a positive multiple of 4 KiB or not
     *     more than 1 MiB (the kernel could not even be placed)
     */
    public static List<RamRegion> ramRegions(long memorySize) {
        if (memorySize <= HIGH_MEMORY_START.value() || (memorySize & 0xfff) != 0) {
            throw new IllegalArgumentException(
                    "guest memory must be a multiple of 4 KiB above 1 MiB: 0x%x".formatted(memorySize));
        }
        long holeStart = MMIO_HOLE_START.value();
        var regions = new ArrayList<RamRegion>(2);
        regions.add(new RamRegion(GuestAddress.of(0), Math.min(memorySize, holeStart)));
        if (memorySize > holeStart) {
            regions.add(new RamRegion(RAM_ABOVE_HOLE_START, memorySize - holeStart));
        }
        return List.copyOf(regions);
    }

    /**
     * Where a firmware image of {@code size} bytes is seen: {@code [base, 4 GiB)}, and its last
     * {@code aliasSize} bytes also at {@code [aliasBase, 1 MiB)}.
     */
    public record FirmwareMap(GuestAddress base, long size, GuestAddress aliasBase, long aliasSize) {
        /** The offset in the image of the bytes seen at {@code aliasBase}. */
        public long aliasOffset() {
            return size - aliasSize;
        }
    }

    /**
     * The map of a firmware image of {@code size} bytes.
     *
     * @throws IllegalArgumentException when the size is not a positive multiple of 4 KiB up to 16 MiB
     */
    public static FirmwareMap firmwareMap(long size) {
        if (size <= 0 || size > FIRMWARE_MAX_SIZE || size % FIRMWARE_ALIGNMENT != 0) {
            throw new IllegalArgumentException("firmware size must be a multiple of 4 KiB up to 16 MiB: 0x%x"
                    .formatted(size));
        }
        long alias = Math.min(size, FIRMWARE_LOW_ALIAS_MAX_SIZE);
        return new FirmwareMap(GuestAddress.of(FIRMWARE_END.value() - size), size,
                GuestAddress.of(HIGH_MEMORY_START.value() - alias), alias);
    }

    /**
     * The RAM regions of a VM started from firmware: those of {@link #ramRegions(long)} without
     * the part below 1 MiB where {@code firmware}'s low alias shows. Each lies within one region
     * of {@link #ramRegions(long)}, so the RAM can be mapped by those and sliced.
     */
    public static List<RamRegion> ramRegions(long memorySize, FirmwareMap firmware) {
        List<RamRegion> plain = ramRegions(memorySize);
        var regions = new ArrayList<RamRegion>(plain.size() + 1);
        RamRegion low = plain.getFirst(); // from 0, beyond 1 MiB (ramRegions checked that)
        regions.add(new RamRegion(low.base(), firmware.aliasBase().value()));
        regions.add(new RamRegion(HIGH_MEMORY_START, low.end().value() - HIGH_MEMORY_START.value()));
        regions.addAll(plain.subList(1, plain.size()));
        return List.copyOf(regions);
    }

    /** The end (exclusive) of the RAM below the MMIO hole: where the initrd must end at the latest. */
    public static GuestAddress lowRamEnd(long memorySize) {
        return ramRegions(memorySize).getFirst().end();
    }

    /** The MMIO window of the {@code index}-th virtio-mmio transport. */
    public static GuestAddress virtioMmioBase(int index) {
        checkVirtioIndex(index);
        return VIRTIO_MMIO_BASE.checkedAdd(index * VIRTIO_MMIO_SIZE);
    }

    /** The GSI of the {@code index}-th virtio-mmio transport. */
    public static int virtioMmioIrq(int index) {
        checkVirtioIndex(index);
        return VIRTIO_MMIO_FIRST_IRQ + index;
    }

    /** How many virtio-mmio transports the IRQ range has room for. */
    public static int maxVirtioMmioDevices() {
        return VIRTIO_MMIO_LAST_IRQ - VIRTIO_MMIO_FIRST_IRQ + 1;
    }

    private static void checkVirtioIndex(int index) {
        if (index < 0 || index >= maxVirtioMmioDevices()) {
            throw new IllegalArgumentException("virtio-mmio slot %d outside 0..%d"
                    .formatted(index, maxVirtioMmioDevices() - 1));
        }
    }
}
