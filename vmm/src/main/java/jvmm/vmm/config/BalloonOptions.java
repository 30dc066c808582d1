package jvmm.vmm.config;

import jvmm.virtio.balloon.BalloonConfig;

/** {@code --balloon [amount=SIZE][,deflate-on-oom][,stats-interval=S][,free-page-reporting]}. */
public final class BalloonOptions {

    private static final String FORM = "amount=SIZE, deflate-on-oom, stats-interval=SECONDS, free-page-reporting";

    private BalloonOptions() {
    }

    /** Parses the option's value; an empty one is an empty balloon with no optional features. */
    public static BalloonConfig parse(String spec) {
        long amount = 0;
        boolean deflateOnOom = false;
        int statsInterval = 0;
        boolean reporting = false;
        for (String part : spec.split(",")) {
            if (part.isEmpty() && spec.isEmpty()) {
                continue;
            }
            if (part.startsWith("amount=")) {
                amount = Sizes.parse(part.substring("amount=".length()));
            } else if (part.equals("deflate-on-oom")) {
                deflateOnOom = true;
            } else if (part.startsWith("stats-interval=")) {
                statsInterval = seconds(spec, part.substring("stats-interval=".length()));
            } else if (part.equals("free-page-reporting")) {
                reporting = true;
            } else {
                throw new ConfigException("--balloon '%s': unknown option '%s' (valid: %s)".formatted(spec, part, FORM));
            }
        }
        try {
            return new BalloonConfig(amount, deflateOnOom, statsInterval, reporting);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--balloon '%s': %s".formatted(spec, e.getMessage()));
        }
    }

    private static int seconds(String spec, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("--balloon '%s': stats-interval '%s' is not a whole number of seconds (0 turns statistics off)"
                .formatted(spec, text));
    }
}
