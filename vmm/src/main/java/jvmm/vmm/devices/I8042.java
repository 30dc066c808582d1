package jvmm.vmm.devices;

import java.util.ArrayDeque;
import jvmm.vmm.devices.Ps2Keyboard.Key;

/**
 * An i8042 keyboard controller with a PS/2 keyboard on its first port and nothing on the second,
 * as far as Linux's i8042 and atkbd drivers need it, so that the VMM can press Ctrl-Alt-Del.
 * Registered over ports 0x60-0x64: offset 0 is data, offset 4 is status (read) and command
 * (write). The CPU-reset command (0xfe on port 0x64), which {@code reboot=k} uses, ends the VM.
 *
 * <p>The output buffer holds one byte (status bit 0); controller replies come first, then the
 * keyboard's bytes while its port is enabled. Each time a byte enters the output buffer while
 * the command byte enables the keyboard interrupt, IRQ 1 gets an edge, as it does when the
 * interrupt is enabled with a byte waiting: Linux reads one byte per interrupt.
 *
 * <p>Register accesses come from vCPU threads and {@link #sendCtrlAltDel} from any thread; every
 * method holds the device's lock, so the IRQ edge and the reset callback run under it.
 */
public final class I8042 implements BusDevice {

    public static final int DATA_OFFSET = 0;
    public static final int COMMAND_OFFSET = 4;

    static final int STATUS_OUTPUT_FULL = 0x01;
    static final int STATUS_SYSTEM_FLAG = 0x04;
    static final int STATUS_LAST_WRITE_WAS_COMMAND = 0x08;
    /** Set when the keyboard is not locked (Linux warns "Keylock active" without it). */
    static final int STATUS_NOT_LOCKED = 0x10;

    static final int CTR_KBD_INT = 0x01;
    static final int CTR_SYSTEM_FLAG = 0x04;
    static final int CTR_KBD_DISABLED = 0x10;
    static final int CTR_AUX_DISABLED = 0x20;
    static final int CTR_TRANSLATE = 0x40;

    private static final int CMD_READ_CTR = 0x20;
    private static final int CMD_WRITE_CTR = 0x60;
    private static final int CMD_DISABLE_AUX = 0xa7;
    private static final int CMD_ENABLE_AUX = 0xa8;
    private static final int CMD_AUX_TEST = 0xa9;
    private static final int CMD_SELF_TEST = 0xaa;
    private static final int CMD_KBD_TEST = 0xab;
    private static final int CMD_DISABLE_KBD = 0xad;
    private static final int CMD_ENABLE_KBD = 0xae;
    private static final int CMD_READ_OUTPUT_PORT = 0xd0;
    private static final int CMD_WRITE_OUTPUT_PORT = 0xd1;
    private static final int CMD_WRITE_KBD_BUFFER = 0xd2;
    private static final int CMD_WRITE_AUX_BUFFER = 0xd3;
    private static final int CMD_WRITE_AUX = 0xd4;
    private static final int CMD_RESET_CPU = 0xfe;

    private static final int SELF_TEST_OK = 0x55;
    private static final int INTERFACE_TEST_OK = 0x00;
    /** The interface test's "clock line stuck low": what a port with nothing plugged in gives. */
    private static final int INTERFACE_CLOCK_LOW = 0x01;
    /** Output port bit 0: the CPU reset line (active low); bit 1: the A20 gate. */
    private static final int OUTPUT_PORT_RESET_HIGH = 0x01;
    private static final int OUTPUT_PORT_A20 = 0x02;

    /** Controller replies waiting behind a full output buffer (a real one keeps only the last). */
    static final int MAX_REPLIES = 16;

    private final Runnable onReset;
    private final IrqLine irq;
    private final Ps2Keyboard keyboard = new Ps2Keyboard();
    private final ArrayDeque<Integer> replies = new ArrayDeque<>();
    /** What a BIOS leaves: translation on, the mouse port off, the keyboard interrupt on. */
    private int controlByte = CTR_TRANSLATE | CTR_AUX_DISABLED | CTR_SYSTEM_FLAG | CTR_KBD_INT;
    private int outputPort = OUTPUT_PORT_RESET_HIGH | OUTPUT_PORT_A20;
    private int output = -1;
    /** The controller command whose data byte the next data-port write is, or 0. */
    private int awaitingData;
    private boolean lastWriteWasCommand;

    /**
     * @param onReset called (on the vCPU thread) when the guest pulses the CPU reset line
     * @param irq     IRQ 1: an edge for each byte that reaches the output buffer
     */
    public I8042(Runnable onReset, IrqLine irq) {
        this.onReset = onReset;
        this.irq = irq;
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        int value;
        if (offset == COMMAND_OFFSET) {
            value = STATUS_SYSTEM_FLAG | STATUS_NOT_LOCKED
                    | (lastWriteWasCommand ? STATUS_LAST_WRITE_WAS_COMMAND : 0)
                    | (output >= 0 ? STATUS_OUTPUT_FULL : 0);
        } else if (offset == DATA_OFFSET) {
            value = Math.max(output, 0);
            output = -1;
            fillOutput();
        } else {
            value = 0xff;
        }
        data[0] = (byte) value;
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        int value = data[0] & 0xff;
        if (offset == COMMAND_OFFSET) {
            lastWriteWasCommand = true;
            awaitingData = 0;
            command(value);
        } else if (offset == DATA_OFFSET) {
            lastWriteWasCommand = false;
            if (awaitingData != 0) {
                int command = awaitingData;
                awaitingData = 0;
                commandData(command, value);
            } else {
                // Sending to the keyboard enables its port again, as on real controllers.
                controlByte &= ~CTR_KBD_DISABLED;
                keyboard.write(value, translating());
            }
        }
        fillOutput();
    }

    private void command(int value) {
        switch (value) {
            case CMD_READ_CTR -> reply(controlByte);
            case CMD_WRITE_CTR, CMD_WRITE_OUTPUT_PORT, CMD_WRITE_KBD_BUFFER, CMD_WRITE_AUX_BUFFER, CMD_WRITE_AUX ->
                    awaitingData = value;
            case CMD_DISABLE_AUX -> controlByte |= CTR_AUX_DISABLED;
            case CMD_ENABLE_AUX -> controlByte &= ~CTR_AUX_DISABLED;
            case CMD_AUX_TEST -> reply(INTERFACE_CLOCK_LOW); // no mouse
            case CMD_SELF_TEST -> reply(SELF_TEST_OK);
            case CMD_KBD_TEST -> reply(INTERFACE_TEST_OK);
            case CMD_DISABLE_KBD -> controlByte |= CTR_KBD_DISABLED;
            case CMD_ENABLE_KBD -> controlByte &= ~CTR_KBD_DISABLED;
            case CMD_READ_OUTPUT_PORT -> reply(outputPort);
            case CMD_RESET_CPU -> onReset.run();
            default -> { } // the other output-line pulses, input port, passwords: nothing to model
        }
    }

    /** Queues a controller reply; a guest that never reads loses replies rather than our memory. */
    private void reply(int value) {
        if (replies.size() < MAX_REPLIES) {
            replies.add(value);
        }
    }

    private void commandData(int command, int value) {
        switch (command) {
            case CMD_WRITE_CTR -> {
                boolean interruptEnabled = (~controlByte & value & CTR_KBD_INT) != 0;
                controlByte = value;
                if (interruptEnabled && output >= 0) {
                    irq.trigger(); // the line follows the output buffer: it goes up now
                }
            }
            case CMD_WRITE_OUTPUT_PORT -> {
                outputPort = value;
                if ((value & OUTPUT_PORT_RESET_HIGH) == 0) {
                    onReset.run();
                }
            }
            case CMD_WRITE_KBD_BUFFER -> reply(value); // comes back as if the keyboard sent it
            default -> { } // bytes for the mouse port: nothing is plugged in
        }
    }

    /** Moves the next byte into an empty output buffer, with an IRQ 1 edge when enabled. */
    private void fillOutput() {
        if (output >= 0) {
            return;
        }
        Integer next = replies.poll();
        if (next == null && (controlByte & CTR_KBD_DISABLED) == 0) {
            int b = keyboard.poll();
            next = b < 0 ? null : b;
        }
        if (next != null) {
            output = next;
            if ((controlByte & CTR_KBD_INT) != 0) {
                irq.trigger();
            }
        }
    }

    private boolean translating() {
        return (controlByte & CTR_TRANSLATE) != 0;
    }

    /**
     * Presses and releases Ctrl, Alt and Delete on the keyboard (makes in that order, breaks in
     * reverse), in set 1 when the controller translates (as Linux leaves it), else in set 2. A
     * Linux guest reboots, or signals its init, when it sees them. Callable from any thread.
     *
     * @return false when the keyboard doesn't take keys now (scanning disabled, set 3, its
     *         buffer too full for the whole sequence): nothing was queued
     */
    public synchronized boolean sendCtrlAltDel() {
        boolean queued = keyboard.press(translating(), Key.LEFT_CTRL, Key.LEFT_ALT, Key.DELETE);
        fillOutput();
        return queued;
    }
}
