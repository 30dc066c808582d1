package jvmm.vmm.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expect mode: watches the guest console for expected patterns, in order, and for fail
 * patterns. Fed the console stream by the console writer thread; tells its {@link Listener} once
 * when every expectation has been seen or a fail pattern appears.
 *
 * <p>Expectations are searched in the text after the previous match, so two can match on one
 * line, and in the line still being written, so a prompt without a newline ({@code "login: "})
 * is seen as soon as it is printed. Fail patterns are searched in complete lines only. Lines are
 * decoded as UTF-8 with a trailing carriage return removed.
 */
public final class ConsoleWatch {

    /** What the kernel prints when it panics, hits a BUG() or oopses. */
    public static final List<Pattern> DEFAULT_FAIL_PATTERNS = List.of(
            Pattern.compile("Kernel panic - not syncing"), Pattern.compile("BUG: "), Pattern.compile("Oops: "));

    private static final int MAX_LINE = 64 * 1024;
    private static final int TAIL_LINES = 20;

    /** Told about the outcome, on the console writer thread, at most once. */
    public interface Listener {
        void allMatched();

        void failPatternMatched(Pattern pattern, String line);
    }

    /** One expectation that was seen: the pattern, the text it matched and when. */
    public record Match(Pattern pattern, String text, long nanos) {
    }

    private final List<Pattern> expectations;
    private final List<Pattern> failPatterns;
    private final Listener listener;
    private final LongSupplier clock;
    private final List<Match> matches = new ArrayList<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int searchFrom; // chars of the current line already consumed by a match
    private String failure;
    private boolean decided;

    public ConsoleWatch(List<Pattern> expectations, List<Pattern> failPatterns, Listener listener, LongSupplier clock) {
        this.expectations = List.copyOf(expectations);
        this.failPatterns = List.copyOf(failPatterns);
        this.listener = listener;
        this.clock = clock;
    }

    /** Feeds console bytes in stream order. */
    public synchronized void feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE) {
                    endLine();
                }
            }
        }
        if (line.size() > 0 && !decided) {
            matchExpectations(currentLine());
        }
    }

    private void endLine() {
        String text = currentLine();
        line.reset();
        if (!decided) {
            for (Pattern p : failPatterns) {
                if (p.matcher(text).find()) {
                    decided = true;
                    failure = "fail pattern '%s' matched: %s".formatted(p.pattern(), text.strip());
                    remember(text);
                    listener.failPatternMatched(p, text);
                    return;
                }
            }
            matchExpectations(text);
        }
        searchFrom = 0;
        remember(text);
    }

    private void matchExpectations(String text) {
        while (matches.size() < expectations.size() && searchFrom <= text.length()) {
            Pattern p = expectations.get(matches.size());
            Matcher m = p.matcher(text);
            if (!m.find(searchFrom)) {
                return;
            }
            matches.add(new Match(p, m.group(), clock.getAsLong()));
            searchFrom = Math.max(m.end(), searchFrom + (m.end() == m.start() ? 1 : 0));
            if (matches.size() == expectations.size()) {
                decided = true;
                listener.allMatched();
                return;
            }
        }
    }

    private String currentLine() {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private void remember(String text) {
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(text);
    }

    /** The expectations seen so far, in order. */
    public synchronized List<Match> matches() {
        return List.copyOf(matches);
    }

    public synchronized boolean allMatched() {
        return matches.size() == expectations.size();
    }

    /** Why the watch failed, if a fail pattern matched. */
    public synchronized Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The first expectation not seen yet, numbered from 1, if any. */
    public synchronized Optional<String> pending() {
        int i = matches.size();
        return i == expectations.size() ? Optional.empty()
                : Optional.of("'%s' (expectation %d of %d)".formatted(expectations.get(i).pattern(), i + 1, expectations.size()));
    }

    /** The last complete console lines (at most 20) and the line being written, if any. */
    public synchronized List<String> lastLines() {
        List<String> lines = new ArrayList<>(tail);
        if (line.size() > 0) {
            lines.add(currentLine());
        }
        return lines;
    }
}
