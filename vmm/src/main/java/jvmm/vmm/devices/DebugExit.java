package jvmm.vmm.devices;

/**
 * An isa-debug-exit device, as QEMU's: any write ends the VM, and the VMM exits with status
 * {@code (value << 1) | 1} (as a process exit status: its low 8 bits), so a guest can't make it
 * exit 0 and a test binary reports the same status on both VMMs. Reads give 0.
 */
public final class DebugExit implements BusDevice {

    /** Told, on the vCPU thread that wrote the port, the value written and the exit status it asks for. */
    @FunctionalInterface
    public interface Listener {
        void exit(long value, int status);
    }

    private final Listener onExit;

    public DebugExit(Listener onExit) {
        this.onExit = onExit;
    }

    /** The exit status a write of {@code value} asks for. */
    public static int exitStatus(long value) {
        return (int) (((value << 1) | 1) & 0xff);
    }

    @Override
    public void read(long offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0);
    }

    @Override
    public void write(long offset, byte[] data) {
        long value = 0;
        for (int i = data.length - 1; i >= 0; i--) {
            value = (value << 8) | (data[i] & 0xff);
        }
        onExit.exit(value, exitStatus(value));
    }
}
