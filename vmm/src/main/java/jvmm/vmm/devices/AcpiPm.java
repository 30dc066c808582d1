package jvmm.vmm.devices;

/**
 * The hardware-reduced ACPI power registers that the FADT points at, in port I/O space: sleep
 * control (offset 0), sleep status (offset 1) and the reset register (offset 2). Writing
 * SLP_EN with the S5 sleep type powers the VM off; writing the reset value reboots it.
 */
public final class AcpiPm implements BusDevice {

    public static final int SLEEP_CONTROL = 0;
    public static final int SLEEP_STATUS = 1;
    public static final int RESET = 2;
    public static final int RESET_VALUE = 1;

    private static final int SLP_EN = 0x20;
    private static final int SLP_TYP_SHIFT = 2;
    private static final int SLP_TYP_MASK = 0x7;

    private final int s5SleepType;
    private final Runnable onPowerOff;
    private final Runnable onReset;

    /**
     * @param s5SleepType the SLP_TYP value of the DSDT's \_S5 package
     */
    public AcpiPm(int s5SleepType, Runnable onPowerOff, Runnable onReset) {
        this.s5SleepType = s5SleepType;
        this.onPowerOff = onPowerOff;
        this.onReset = onReset;
    }

    @Override
    public void read(long offset, byte[] data) {
        data[0] = 0; // never asleep, never waking
    }

    @Override
    public void write(long offset, byte[] data) {
        int value = data[0] & 0xff;
        if (offset == SLEEP_CONTROL && (value & SLP_EN) != 0
                && ((value >> SLP_TYP_SHIFT) & SLP_TYP_MASK) == s5SleepType) {
            onPowerOff.run();
        } else if (offset == RESET && value == RESET_VALUE) {
            onReset.run();
        }
    }
}
