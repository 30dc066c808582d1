package jvmm.vmm.devices;

import java.util.OptionalInt;

/**
 * The guest command ports of the default guest's protocol. The guest's command runner writes
 * any byte to {@code 0x442} just before the command starts (its output follows on the console)
 * and the command's exit status (one byte) to {@code 0x441} once it has ended and its output has
 * drained, before powering off. The VMM returns that status without parsing text, and {@code vmm
 * exec} shows only the console output between the two writes.
 */
public final class ExitStatusPort implements BusDevice {

    /** The ports this device spans, from {@code Layout.EXIT_STATUS_PORT}. */
    public static final int LENGTH = 2;
    private static final int STATUS = 0;
    private static final int COMMAND_START = 1;

    /** Told, on the vCPU thread that wrote the port, when the guest command starts and ends. */
    public interface Listener {
        void commandStarted();

        void commandEnded(int status);
    }

    private static final Listener NONE = new Listener() {
        @Override
        public void commandStarted() {
        }

        @Override
        public void commandEnded(int status) {
        }
    };

    private final Listener listener;
    private volatile int status = -1;

    public ExitStatusPort() {
        this(NONE);
    }

    public ExitStatusPort(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void read(long offset, byte[] data) {
        data[0] = (byte) 0xff;
    }

    @Override
    public void write(long offset, byte[] data) {
        if (offset == STATUS) {
            status = data[0] & 0xff;
            listener.commandEnded(status);
        } else if (offset == COMMAND_START) {
            listener.commandStarted();
        }
    }

    /** The last exit status the guest reported, if any. */
    public OptionalInt status() {
        int s = status;
        return s < 0 ? OptionalInt.empty() : OptionalInt.of(s);
    }
}
