package jvmm.kvm.sys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalTest {

    @Test
    void makeRawClearsLineEditingAndCloseRestoresIt() throws Exception {
        try (Terminal.Pty pty = Terminal.openPty()) {
            int slave = pty.slave().get();
            int cooked = Terminal.localFlags(slave);

            int raw;
            try (Terminal.Saved saved = Terminal.makeRaw(slave)) {
                raw = Terminal.localFlags(slave);
            }

            assertThat(Terminal.isatty(slave)).isTrue();
            assertThat(cooked & Terminal.ICANON).isNotZero();
            assertThat(raw & (Terminal.ICANON | Terminal.ECHO)).isZero();
            assertThat(Terminal.localFlags(slave)).isEqualTo(cooked);
        }
    }

    @Test
    void aRegularFileIsNotATerminal() throws Exception {
        try (Fd fd = Libc.open("/dev/null", Libc.O_RDONLY, 0)) {
            assertThat(Terminal.isatty(fd.get())).isFalse();
        }
    }
}
