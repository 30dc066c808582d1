package jvmm.vmm;

import java.time.Duration;
import java.time.Instant;

/** The VMM's start time on the {@link System#nanoTime()} scale: the JVM process's start. */
final class VmmClock {

    private VmmClock() {
    }

    static long startNanos() {
        long now = System.nanoTime();
        return ProcessHandle.current().info().startInstant()
                .map(start -> now - Duration.between(start, Instant.now()).toNanos())
                .orElse(now);
    }
}
