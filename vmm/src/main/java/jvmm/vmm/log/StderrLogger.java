package jvmm.vmm.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.spi.AbstractLogger;

/**
 * A logger with a fixed threshold that writes each event as one line,
 * {@code HH:mm:ss.SSS LEVEL [thread] Class: message}, followed by the stack trace if there is one.
 */
final class StderrLogger extends AbstractLogger {

    private static final long serialVersionUID = 1L;

    private final Level threshold;
    private final transient StderrLogging sink;

    StderrLogger(String name, Level threshold, StderrLogging sink) {
        super(name);
        this.threshold = threshold;
        this.sink = sink;
    }

    /** The line for one event; {@code logger} is shortened to what follows its last dot. */
    static String line(LocalTime time, Level level, String thread, String logger, String message, Throwable thrown) {
        StringBuilder b = new StringBuilder(64 + message.length());
        pad(b, time.getHour(), 2).append(':');
        pad(b, time.getMinute(), 2).append(':');
        pad(b, time.getSecond(), 2).append('.');
        pad(b, time.getNano() / 1_000_000, 3).append(' ');
        String l = level.name();
        b.append(l).repeat(' ', Math.max(0, 5 - l.length()));
        b.append(" [").append(thread).append("] ").append(logger, logger.lastIndexOf('.') + 1, logger.length())
                .append(": ").append(message).append('\n');
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            b.append(trace);
        }
        return b.toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int digits) {
        String s = Integer.toString(value);
        return b.repeat('0', Math.max(0, digits - s.length())).append(s);
    }

    private boolean enabled(Level level) {
        return threshold.intLevel() >= level.intLevel();
    }

    @Override
    public void logMessage(String fqcn, Level level, Marker marker, Message message, Throwable t) {
        Throwable thrown = t != null ? t : message.getThrowable();
        sink.write(line(LocalTime.now(), level, Thread.currentThread().getName(), getName(),
                message.getFormattedMessage(), thrown));
    }

    @Override
    public Level getLevel() {
        return threshold;
    }

    // The Log4j API asks before it formats anything: every form of the question has the same answer.

    @Override
    public boolean isEnabled(Level level, Marker marker, Message message, Throwable t) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, CharSequence message, Throwable t) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, Object message, Throwable t) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Throwable t) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object... params) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3,
            Object p4) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3,
            Object p4, Object p5) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3,
            Object p4, Object p5, Object p6) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3,
            Object p4, Object p5, Object p6, Object p7) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3,
            Object p4, Object p5, Object p6, Object p7, Object p8) {
        return enabled(level);
    }

    @Override
    public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3,
            Object p4, Object p5, Object p6, Object p7, Object p8, Object p9) {
        return enabled(level);
    }
}
