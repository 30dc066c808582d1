package jvmm.vmm.devices;

/**
 * A pvpanic device (ACPI _HID "QEMU0001", one I/O port): reading it tells the guest which events
 * we take (PANICKED), and the guest writes PANICKED from its panic notifier, before any reboot that
 * panic=N triggers, so the VMM can end with a panic exit code instead of a reboot.
 */
public final class PvPanic implements BusDevice {

    public static final int PANICKED = 1;
    public static final int CRASH_LOADED = 2;

    private final Runnable onPanic;

    public PvPanic(Runnable onPanic) {
        this.onPanic = onPanic;
    }

    @Override
    public void read(long offset, byte[] data) {
        data[0] = (byte) PANICKED;
    }

    @Override
    public void write(long offset, byte[] data) {
        if ((data[0] & PANICKED) != 0) {
            onPanic.run();
        }
    }
}
