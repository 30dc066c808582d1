package jvmm.vmm.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    @Test
    void escapeSequenceQuitsAndIsNotSentToTheGuest() {
        EscapeFilter f = new EscapeFilter();
        byte[] buf = "ab\u0001xcd".getBytes(StandardCharsets.US_ASCII);
        int n = f.filter(buf, buf.length);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("ab");
        assertThat(f.quitRequested()).isTrue();
    }

    @Test
    void doubleCtrlASendsOneCtrlA() {
        EscapeFilter f = new EscapeFilter();
        byte[] buf = {1, 1, 'q'};
        int n = f.filter(buf, buf.length);
        assertThat(n).isEqualTo(2);
        assertThat(buf[0]).isEqualTo((byte) 1);
        assertThat(buf[1]).isEqualTo((byte) 'q');
        assertThat(f.quitRequested()).isFalse();
    }

    @Test
    void escapeSplitAcrossReadsStillWorks() {
        EscapeFilter f = new EscapeFilter();
        assertThat(f.filter(new byte[] {1}, 1)).isZero();
        assertThat(f.filter(new byte[] {'x'}, 1)).isZero();
        assertThat(f.quitRequested()).isTrue();
    }

    @Test
    void outputArrivesInOrderAndCloseFlushesEverything() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ConsoleOutput out = new ConsoleOutput(sink);
        String text = "x".repeat(200_000) + "end\n";
        for (int i = 0; i < text.length(); i++) {
            out.accept(text.charAt(i));
        }
        out.close();
        assertThat(sink.toString(StandardCharsets.US_ASCII)).isEqualTo(text);
        assertThat(out.position()).isEqualTo(text.length());
    }
}
