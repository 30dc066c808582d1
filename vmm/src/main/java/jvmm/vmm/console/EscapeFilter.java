package jvmm.vmm.console;

/**
 * The interactive console's escape sequence, as in QEMU: Ctrl-A then 'x' quits, Ctrl-A Ctrl-A
 * sends one Ctrl-A to the guest. Everything else passes through unchanged.
 */
public final class EscapeFilter {

    public static final byte CTRL_A = 0x01;

    private boolean escaped;
    private boolean quit;

    /**
     * Filters {@code len} bytes of {@code buf} in place and returns how many remain for the guest.
     * After a quit sequence, {@link #quitRequested()} is true and the rest is dropped.
     */
    public int filter(byte[] buf, int len) {
        int out = 0;
        for (int i = 0; i < len && !quit; i++) {
            byte b = buf[i];
            if (escaped) {
                escaped = false;
                if (b == 'x' || b == 'X') {
                    quit = true;
                } else if (b == CTRL_A) {
                    buf[out++] = CTRL_A;
                }
                // any other key after Ctrl-A is swallowed, as QEMU does with unknown commands
            } else if (b == CTRL_A) {
                escaped = true;
            } else {
                buf[out++] = b;
            }
        }
        return out;
    }

    public boolean quitRequested() {
        return quit;
    }
}
