package jvmm.vmm.devices;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The PS/2 keyboard on the i8042's first port, as far as Linux's atkbd driver needs it: it
 * answers the commands the driver sends (reset, identify, LEDs, scan code set, typematic rate,
 * enable/disable scanning) and sends the make and break codes of the keys the VMM presses. Its
 * bytes wait in a 16-byte FIFO, as in a real keyboard, until the controller takes them.
 *
 * <p>The controller's set 2 to set 1 translation is decided here, per byte, from the flag the
 * controller passes: each {@link Key} knows both of its codes, and the identity's second byte
 * is 0x41 (what the controller makes of 0x83). Not thread-safe: {@link I8042} guards it.
 */
final class Ps2Keyboard {

    /** Bytes the keyboard holds for the controller. */
    static final int CAPACITY = 16;

    static final int ACK = 0xfa;
    static final int SELF_TEST_PASSED = 0xaa;
    static final int ECHO = 0xee;
    static final int RESEND = 0xfe;
    static final int ID_FIRST = 0xab;
    /** An MF2 keyboard; through the controller's translation 0x83 becomes 0x41. */
    static final int ID_SECOND = 0x83;
    static final int ID_SECOND_TRANSLATED = 0x41;

    private static final int CMD_SET_LEDS = 0xed;
    private static final int CMD_ECHO = 0xee;
    private static final int CMD_SCANCODE_SET = 0xf0;
    private static final int CMD_GET_ID = 0xf2;
    private static final int CMD_SET_TYPEMATIC = 0xf3;
    private static final int CMD_ENABLE = 0xf4;
    private static final int CMD_DISABLE = 0xf5;
    private static final int CMD_SET_DEFAULTS = 0xf6;
    private static final int CMD_RESEND = 0xfe;
    private static final int CMD_RESET = 0xff;
    private static final int SET_1_BREAK = 0x80;
    private static final int SET_2_BREAK_PREFIX = 0xf0;
    private static final int EXTENDED_PREFIX = 0xe0;

    /** The keys the VMM can press, with their scan codes in set 2 and in set 1. */
    enum Key {
        LEFT_CTRL(false, 0x14, 0x1d),
        LEFT_ALT(false, 0x11, 0x38),
        DELETE(true, 0x71, 0x53);

        private final boolean extended;
        private final int set2;
        private final int set1;

        Key(boolean extended, int set2, int set1) {
            this.extended = extended;
            this.set2 = set2;
            this.set1 = set1;
        }

        void make(boolean inSet1, List<Integer> out) {
            if (extended) {
                out.add(EXTENDED_PREFIX);
            }
            out.add(inSet1 ? set1 : set2);
        }

        void release(boolean inSet1, List<Integer> out) {
            if (extended) {
                out.add(EXTENDED_PREFIX);
            }
            if (inSet1) {
                out.add(set1 | SET_1_BREAK);
            } else {
                out.add(SET_2_BREAK_PREFIX);
                out.add(set2);
            }
        }
    }

    private final ArrayDeque<Integer> out = new ArrayDeque<>(CAPACITY);
    /** The command waiting for its argument byte, or 0. */
    private int awaitingArgument;
    private boolean scanning = true;
    private int scancodeSet = 2;
    private int leds;
    private int lastSent = ACK;

    /** Takes a byte the guest sends to the keyboard (a data-port write); answers go to the FIFO. */
    void write(int value, boolean translated) {
        // Arguments are below 0xed; a command byte instead of an argument starts a new command.
        if (awaitingArgument != 0 && value < CMD_SET_LEDS) {
            argument(value);
            return;
        }
        awaitingArgument = 0;
        switch (value) {
            case CMD_SET_LEDS, CMD_SCANCODE_SET, CMD_SET_TYPEMATIC -> {
                awaitingArgument = value;
                send(ACK);
            }
            case CMD_ECHO -> send(ECHO);
            case CMD_GET_ID -> {
                send(ACK);
                send(ID_FIRST);
                send(translated ? ID_SECOND_TRANSLATED : ID_SECOND);
            }
            case CMD_ENABLE -> {
                out.clear();
                scanning = true;
                send(ACK);
            }
            case CMD_DISABLE -> {
                out.clear();
                setDefaults();
                scanning = false;
                send(ACK);
            }
            case CMD_SET_DEFAULTS -> {
                out.clear();
                setDefaults();
                send(ACK);
            }
            case CMD_RESEND -> send(lastSent);
            case CMD_RESET -> {
                out.clear();
                setDefaults();
                scanning = true;
                send(ACK);
                send(SELF_TEST_PASSED);
            }
            default -> send(ACK); // set 3 key modes (0xf7-0xfd) and the like: nothing to model
        }
    }

    private void argument(int value) {
        int command = awaitingArgument;
        awaitingArgument = 0;
        send(ACK);
        switch (command) {
            case CMD_SET_LEDS -> leds = value & 0x07;
            case CMD_SCANCODE_SET -> {
                if (value == 0) {
                    send(scancodeSet); // the query; Linux never asks through the translation
                } else if (value <= 3) {
                    scancodeSet = value;
                }
            }
            default -> { } // the typematic rate: keys are never held here
        }
    }

    private void setDefaults() {
        scancodeSet = 2;
        leds = 0;
    }

    /**
     * Presses {@code keys} in order and releases them in reverse: all their codes go to the FIFO,
     * or none when it lacks the room, scanning is disabled (0xf5) or the guest chose set 3.
     *
     * @return whether the codes were queued
     */
    boolean press(boolean translated, Key... keys) {
        if (!scanning || scancodeSet == 3) {
            return false;
        }
        boolean inSet1 = translated || scancodeSet == 1;
        List<Integer> codes = new ArrayList<>();
        for (Key k : keys) {
            k.make(inSet1, codes);
        }
        for (int i = keys.length - 1; i >= 0; i--) {
            keys[i].release(inSet1, codes);
        }
        if (CAPACITY - out.size() < codes.size()) {
            return false;
        }
        codes.forEach(this::send);
        return true;
    }

    private void send(int value) {
        if (out.size() < CAPACITY) { // a full keyboard drops what it can't hold
            out.add(value);
            lastSent = value;
        }
    }

    /** The next byte for the controller, or -1. */
    int poll() {
        Integer b = out.poll();
        return b == null ? -1 : b;
    }

    boolean scanning() {
        return scanning;
    }

    int leds() {
        return leds;
    }
}
