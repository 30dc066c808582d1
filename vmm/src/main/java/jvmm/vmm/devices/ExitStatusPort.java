package jvmm.vmm.devices;

import java.util.OptionalInt;

/**
 * The guest exit-status port (0x441): the guest's command runner writes the exit status (one
 * byte) of the command it ran before powering off, so the VMM can return it without parsing text.
 */
public final class ExitStatusPort implements BusDevice {

    private volatile int status = -1;

    @Override
    public void read(long offset, byte[] data) {
        data[0] = (byte) 0xff;
    }

    @Override
    public void write(long offset, byte[] data) {
        status = data[0] & 0xff;
    }

    public OptionalInt status() {
        int s = status;
        return s < 0 ? OptionalInt.empty() : OptionalInt.of(s);
    }
}
