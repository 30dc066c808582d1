package jvmm.vmm.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them: {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, {@code 30} (seconds). */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /**
     * Parses a positive duration; a bare number is seconds.
     *
     * @param option the option being parsed, for the message
     * @throws ConfigException naming the value and the accepted forms
     */
    public static Duration parse(String text, String option) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException("invalid %s '%s': use a number with an optional ms, s, m or h suffix (e.g. 90s, 5m)"
                    .formatted(option, text));
        }
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero()) {
                throw new ConfigException("%s must be positive, not '%s'".formatted(option, text));
            }
            if (d.compareTo(Duration.ofDays(366)) > 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException("%s '%s' is too long: at most a year".formatted(option, text));
        }
    }

    /** A short human form: 1.5 s, 250 ms, 2 min. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return "%.1f s".formatted(ms / 1000.0);
        }
        return "%.1f min".formatted(ms / 60_000.0);
    }
}
