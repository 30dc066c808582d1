package jvmm.vmm;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The VMM's start time on the {@link System#nanoTime()} scale: when its process started (for
 * {@code tools/vmm}, the launcher that then became the JVM).
 *
 * <p>Read from /proc: the process's start in clock ticks since boot ({@code /proc/self/stat},
 * field 22) against the time since boot ({@code /proc/uptime}), both to 10 ms. Not through
 * {@code ProcessHandle.Info}, which adds the host's boot time in whole seconds (so its start
 * instant can be off by up to a second) and whose first use starts the JDK's process-reaper
 * machinery: ~0.12 s on the way to the first KVM_RUN under the sandbox's emulated CPU.
 */
final class VmmClock {

    /** USER_HZ: the unit of /proc's clock ticks, 100 on every Linux architecture jvmm runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private VmmClock() {
    }

    /** The process's start on the nanoTime scale; now, when /proc can't say. */
    static long startNanos() {
        long now = System.nanoTime();
        try {
            long sinceStart = nanosSinceStart(read("/proc/self/stat"), read("/proc/uptime"));
            return now - Math.max(0, sinceStart);
        } catch (IOException | RuntimeException e) {
            return now;
        }
    }

    /** Through java.io: Files.readString brings NIO stream and decoder classes nothing else uses. */
    private static String read(String path) throws IOException {
        try (FileInputStream in = new FileInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Nanoseconds between the process's start and the moment of {@code uptime}, from the text of
     * /proc/PID/stat and /proc/uptime.
     */
    static long nanosSinceStart(String stat, String uptime) {
        // The command (field 2) is in parentheses and may hold spaces and parentheses itself:
        // the fields after the last ')' start with the state, field 3.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long startTicks = Long.parseLong(fields[22 - 3]);
        String up = uptime.substring(0, uptime.indexOf(' '));
        int dot = up.indexOf('.');
        long upNanos = Long.parseLong(up.substring(0, dot)) * 1_000_000_000L
                + Long.parseLong((up.substring(dot + 1) + "000000000").substring(0, 9));
        return upNanos - startTicks * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
