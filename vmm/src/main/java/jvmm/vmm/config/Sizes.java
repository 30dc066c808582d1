package jvmm.vmm.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as users write them: {@code 512M}, {@code 2G}, {@code 1536} (MiB), {@code 64KiB}. */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /**
     * Parses a size. A bare number is MiB (as QEMU's -m); suffixes K, M, G, T are powers of 1024.
     *
     * @throws ConfigException naming the value and the accepted forms
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException("invalid size '%s': use a number with an optional K, M, G or T suffix (e.g. 512M, 2G)"
                    .formatted(text));
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m", "" -> 20;
            case "g" -> 30;
            default -> 40;
        };
        if (m.group(2).isEmpty() && m.group(3) != null) {
            shift = 0; // "4096B": plain bytes
        }
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new ConfigException("size '%s' is too large".formatted(text));
        }
    }

    /** A short human form: 512M, 2G, 1536K, 100 bytes. */
    public static String format(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return bytes + " bytes";
    }
}
