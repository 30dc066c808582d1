package jvmm.virtio;

import org.apache.logging.log4j.Logger;

/**
 * Logs warnings about what a guest did, at most {@code burst} per {@code intervalNanos}. A guest can
 * trigger such warnings at will (for example by resetting a device and corrupting its ring in a
 * loop), so they must not be able to flood the host's log; the number of suppressed messages is
 * reported with the next one that gets through.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final long intervalNanos;
    private final int burst;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    public RateLimitedLog(Logger logger, long intervalNanos, int burst) {
        if (intervalNanos <= 0 || burst <= 0) {
            throw new IllegalArgumentException("interval and burst must be positive");
        }
        this.logger = logger;
        this.intervalNanos = intervalNanos;
        this.burst = burst;
        this.windowStart = System.nanoTime();
    }

    /** Logs a warning built from a Log4j {@code {}} pattern, unless the rate limit is exhausted. */
    public synchronized void warn(String pattern, Object... args) {
        long now = System.nanoTime();
        if (now - windowStart >= intervalNanos) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= burst) {
            suppressed++;
            return;
        }
        inWindow++;
        if (suppressed > 0) {
            logger.warn("({} similar warnings suppressed)", suppressed);
            suppressed = 0;
        }
        logger.warn(pattern, args);
    }

    /** How many warnings were dropped and not yet reported. */
    public synchronized long suppressed() {
        return suppressed;
    }
}
