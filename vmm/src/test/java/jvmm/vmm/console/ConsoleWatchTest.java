package jvmm.vmm.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleWatchTest {

    private final List<String> events = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();

    private ConsoleWatch watch(List<String> expect, List<String> fail) {
        return new ConsoleWatch(expect.stream().map(Pattern::compile).toList(), fail.stream().map(Pattern::compile).toList(),
                new ConsoleWatch.Listener() {
                    @Override
                    public void allMatched() {
                        events.add("all");
                    }

                    @Override
                    public void failPatternMatched(Pattern pattern, String line) {
                        events.add("fail " + pattern.pattern() + " in " + line);
                    }
                }, clock::incrementAndGet);
    }

    private static void feed(ConsoleWatch w, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        w.feed(b, 0, b.length);
    }

    @Test
    void expectationsMatchInOrderAndOnlyAfterThePreviousMatch() {
        ConsoleWatch w = watch(List.of("second", "first"), List.of());
        feed(w, "first line\r\n");
        assertThat(w.matches()).isEmpty();
        feed(w, "second then first\n");
        assertThat(w.matches()).extracting(ConsoleWatch.Match::text).containsExactly("second", "first");
        assertThat(events).containsExactly("all");
        assertThat(w.allMatched()).isTrue();
    }

    @Test
    void aPromptWithoutNewlineMatchesAsSoonAsItIsPrinted() {
        ConsoleWatch w = watch(List.of("login: $"), List.of());
        feed(w, "welcome\nlog");
        assertThat(events).isEmpty();
        feed(w, "in: ");
        assertThat(events).containsExactly("all");
    }

    @Test
    void patternsSplitAcrossChunksStillMatchAndTheSameTextIsNotMatchedTwice() {
        ConsoleWatch w = watch(List.of("ready", "ready"), List.of());
        feed(w, "rea");
        feed(w, "dy\n");
        assertThat(w.matches()).hasSize(1);
        assertThat(w.pending()).contains("'ready' (expectation 2 of 2)");
        feed(w, "ready again\n");
        assertThat(events).containsExactly("all");
    }

    @Test
    void aFailPatternStopsTheWatchAndLaterMatchesDoNotCount() {
        ConsoleWatch w = watch(List.of("never", "done"), ConsoleWatch.DEFAULT_FAIL_PATTERNS.stream().map(Pattern::pattern).toList());
        feed(w, "[    1.0] BUG: kernel NULL pointer dereference\nnever done\n");
        assertThat(events).containsExactly("fail BUG:  in [    1.0] BUG: kernel NULL pointer dereference");
        assertThat(w.failure()).get().asString().contains("BUG: ").contains("NULL pointer");
        assertThat(w.matches()).isEmpty();
    }

    @Test
    void failPatternsLookAtCompleteLinesOnly() {
        ConsoleWatch w = watch(List.of(), List.of("Oops: \\d+"));
        feed(w, "Oops: ");
        assertThat(events).isEmpty();
        feed(w, "0002 [#1]\n");
        assertThat(events).hasSize(1);
    }

    @Test
    void theTailKeepsTheLastTwentyLinesAndThePartialOne() {
        ConsoleWatch w = watch(List.of("x{100}"), List.of());
        for (int i = 0; i < 30; i++) {
            feed(w, "line " + i + "\n");
        }
        feed(w, "partial");
        List<String> tail = w.lastLines();
        assertThat(tail).hasSize(21).startsWith("line 10").endsWith("line 29", "partial");
    }

    @Test
    void matchTimesComeFromTheClock() {
        ConsoleWatch w = watch(List.of("a", "b"), List.of());
        feed(w, "a\n");
        feed(w, "b\n");
        assertThat(w.matches()).extracting(ConsoleWatch.Match::nanos).containsExactly(1L, 2L);
    }

    @Test
    void anEndlessLineIsCutSoMemoryStaysBounded() {
        ConsoleWatch w = watch(List.of("end"), List.of());
        byte[] junk = new byte[1 << 20];
        java.util.Arrays.fill(junk, (byte) 'z');
        w.feed(junk, 0, junk.length);
        feed(w, "end");
        assertThat(events).containsExactly("all");
        assertThat(w.lastLines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64 * 1024));
    }
}
