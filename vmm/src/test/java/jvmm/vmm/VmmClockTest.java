package jvmm.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class VmmClockTest {

    @Test
    void startIsReadAfterTheLastParenthesisOfTheCommand() {
        // pid (comm) state ppid ... field 22 is starttime; this command holds ") (" and spaces.
        String stat = "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 3 0 12345 1000 200\n";
        assertThat(VmmClock.nanosSinceStart(stat, "130.50 200.00\n")).isEqualTo(130_500_000_000L - 123_450_000_000L);
        assertThat(VmmClock.nanosSinceStart(stat, "123.45 1.00\n")).isZero();
    }

    @Test
    void thisJvmStartedAboutAsLongAgoAsItsUptimeSays() {
        long since = System.nanoTime() - VmmClock.startNanos();
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        // Surefire forks java itself: the process starts a little before the JVM's uptime does,
        // and /proc counts in 10 ms ticks.
        assertThat(since).isBetween(jvmUptime - 50_000_000L, jvmUptime + 2_000_000_000L);
    }
}
