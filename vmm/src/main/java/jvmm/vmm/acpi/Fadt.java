package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import jvmm.virtio.memory.GuestAddress;
import jvmm.vmm.arch.x86.Layout;

/**
 * The Fixed ACPI Description Table, revision 6 (section 5.2.9), for a hardware-reduced platform:
 * no PM1/GPE blocks, no SCI, no PM timer; power-off goes through the sleep control register and
 * reboot through the reset register, both byte-wide I/O ports from {@link Layout}.
 *
 * <p>Linux reads HW_REDUCED_ACPI and then skips the legacy PIC and the PIT-based timer setup, and
 * "CMOS RTC not present" keeps it from waiting on an RTC that does not exist.
 */
public final class Fadt {

    public static final int LENGTH = 276;
    public static final int REVISION = 6;
    public static final int MINOR_REVISION = 5;

    public static final int DSDT_OFFSET = 40;
    public static final int IAPC_BOOT_ARCH_OFFSET = 109;
    public static final int FLAGS_OFFSET = 112;
    public static final int RESET_REG_OFFSET = 116;
    public static final int RESET_VALUE_OFFSET = 128;
    public static final int MINOR_REVISION_OFFSET = 131;
    public static final int X_DSDT_OFFSET = 140;
    public static final int SLEEP_CONTROL_REG_OFFSET = 244;
    public static final int SLEEP_STATUS_REG_OFFSET = 256;
    public static final int HYPERVISOR_VENDOR_OFFSET = 268;

    /** IAPC_BOOT_ARCH: an 8042 keyboard controller is present (ours is at 0x60/0x64). */
    public static final int BOOT_ARCH_8042 = 1 << 1;
    public static final int BOOT_ARCH_VGA_NOT_PRESENT = 1 << 2;
    public static final int BOOT_ARCH_CMOS_RTC_NOT_PRESENT = 1 << 5;
    public static final int FLAG_RESET_REG_SUP = 1 << 10;
    public static final int FLAG_HW_REDUCED_ACPI = 1 << 20;

    private Fadt() {}

    /** The FADT pointing at the DSDT at {@code dsdt}. */
    public static byte[] build(GuestAddress dsdt) {
        ByteBuffer b = Sdt.start("FACP", LENGTH, REVISION);
        // FIRMWARE_CTRL (no FACS in hardware-reduced mode), DSDT (0: X_DSDT is set), PM profile,
        // SCI, SMI and all legacy PM blocks: zero.
        b.position(IAPC_BOOT_ARCH_OFFSET);
        b.putShort((short) (BOOT_ARCH_8042 | BOOT_ARCH_VGA_NOT_PRESENT | BOOT_ARCH_CMOS_RTC_NOT_PRESENT));
        b.put((byte) 0); // reserved
        b.putInt(FLAG_HW_REDUCED_ACPI | FLAG_RESET_REG_SUP);
        Sdt.putIoPortGas(b, Layout.ACPI_RESET_PORT);
        b.put((byte) Layout.ACPI_RESET_VALUE);
        b.putShort((short) 0); // ARM_BOOT_ARCH
        b.put((byte) MINOR_REVISION);
        b.putLong(0); // X_FIRMWARE_CTRL
        b.putLong(dsdt.value());
        b.position(SLEEP_CONTROL_REG_OFFSET); // X_PM1a_EVT_BLK .. X_GPE1_BLK: absent
        Sdt.putIoPortGas(b, Layout.ACPI_SLEEP_CONTROL_PORT);
        Sdt.putIoPortGas(b, Layout.ACPI_SLEEP_STATUS_PORT);
        b.put(Sdt.ascii("JVMM\0\0\0\0")); // hypervisor vendor identity
        return Sdt.seal(b);
    }
}
