package jvmm.vmm.devices;

/**
 * Just enough of an i8042 keyboard controller for Linux: its probe gets sane answers (self-test,
 * command byte) and the CPU-reset command (0xfe on port 0x64), which {@code reboot=k} uses, ends
 * the VM. Registered over ports 0x60-0x64: offset 0 is data, offset 4 is status/command.
 */
public final class I8042 implements BusDevice {

    public static final int DATA_OFFSET = 0;
    public static final int COMMAND_OFFSET = 4;

    private static final int STATUS_OUTPUT_FULL = 0x01;
    private static final int STATUS_SYSTEM_FLAG = 0x04;
    private static final int CMD_READ_CTR = 0x20;
    private static final int CMD_WRITE_CTR = 0x60;
    private static final int CMD_SELF_TEST = 0xaa;
    private static final int CMD_INTERFACE_TEST = 0xab;
    private static final int CMD_RESET_CPU = 0xfe;
    private static final int SELF_TEST_OK = 0x55;

    private final Runnable onReset;
    private int controlByte = 0x61; // kbd interrupt, system flag, translation
    private int output = -1;
    private boolean expectCtr;

    /** @param onReset called (on the vCPU thread) when the guest pulses the CPU reset line */
    public I8042(Runnable onReset) {
        this.onReset = onReset;
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        int value;
        if (offset == COMMAND_OFFSET) {
            value = STATUS_SYSTEM_FLAG | (output >= 0 ? STATUS_OUTPUT_FULL : 0);
        } else if (offset == DATA_OFFSET) {
            value = Math.max(output, 0);
            output = -1;
        } else {
            value = 0xff;
        }
        data[0] = (byte) value;
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        int value = data[0] & 0xff;
        if (offset == COMMAND_OFFSET) {
            switch (value) {
                case CMD_READ_CTR -> output = controlByte;
                case CMD_WRITE_CTR -> expectCtr = true;
                case CMD_SELF_TEST -> output = SELF_TEST_OK;
                case CMD_INTERFACE_TEST -> output = 0x00;
                case CMD_RESET_CPU -> onReset.run();
                default -> { } // enable/disable ports and the like: nothing to model
            }
        } else if (offset == DATA_OFFSET && expectCtr) {
            controlByte = value;
            expectCtr = false;
        }
    }
}
