package jvmm.vmm.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleRouterTest {

    private static void print(ConsoleOutput out, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.accept(b);
        }
    }

    @Test
    void windowedOutputShowsOnlyWhatLiesBetweenTheMarksWhileTheLogGetsEverything() {
        var stdout = new ByteArrayOutputStream();
        var log = new ByteArrayOutputStream();
        var router = new ConsoleRouter(stdout, log, null, true);
        var out = new ConsoleOutput(router);
        print(out, "boot noise\njvmm-guest: ready\n");
        out.mark(router::openWindow);
        print(out, "command output\nline two");
        out.mark(router::closeWindow);
        print(out, "jvmm-guest: exit=0\n");
        out.mark(router::openWindow);
        print(out, "+second");
        out.close();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("command output\nline two+second");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .isEqualTo("boot noise\njvmm-guest: ready\ncommand output\nline twojvmm-guest: exit=0\n+second");
    }

    @Test
    void marksCutExactlyEvenWhenOneChunkHoldsBothSides() {
        var stdout = new ByteArrayOutputStream();
        var router = new ConsoleRouter(stdout, null, null, true);
        router.openWindow(3);
        router.closeWindow(5);
        byte[] all = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertDoesNotThrow(() -> router.write(0, all, 0, all.length));
        assertThat(stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("34");
    }

    @Test
    void unwindowedOutputShowsEverythingAndFeedsTheWatch() {
        var stdout = new ByteArrayOutputStream();
        var watch = new ConsoleWatch(java.util.List.of(java.util.regex.Pattern.compile("hello")), java.util.List.of(),
                new ConsoleWatch.Listener() {
                    @Override
                    public void allMatched() {
                    }

                    @Override
                    public void failPatternMatched(java.util.regex.Pattern p, String line) {
                    }
                }, System::nanoTime);
        var out = new ConsoleOutput(new ConsoleRouter(stdout, null, watch, false));
        print(out, "hello\n");
        out.close();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(watch.allMatched()).isTrue();
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
    }
}
