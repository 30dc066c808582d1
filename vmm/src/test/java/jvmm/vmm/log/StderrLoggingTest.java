package jvmm.vmm.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalTime;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

class StderrLoggingTest {

    @Test
    void theLog4jApiFindsThisBackEnd() {
        assertThat(LogManager.getLogger(StderrLoggingTest.class)).isInstanceOf(StderrLogger.class);
    }

    @Test
    void aLineHasTheTimeLevelThreadShortNameAndMessage() {
        String line = StderrLogger.line(LocalTime.of(7, 5, 3, 42_000_000), Level.INFO, "main", "jvmm.vmm.devices.BootTimer",
                "guest userspace reached", null);
        assertThat(line).isEqualTo("07:05:03.042 INFO  [main] BootTimer: guest userspace reached\n");
    }

    @Test
    void aThrowableFollowsTheLineAsAStackTrace() {
        String line = StderrLogger.line(LocalTime.NOON, Level.ERROR, "vcpu0", "Vcpu", "failed", new IllegalStateException("boom"));
        assertThat(line).startsWith("12:00:00.000 ERROR [vcpu0] Vcpu: failed\njava.lang.IllegalStateException: boom\n\tat ");
    }

    @Test
    void aLoggerLetsThroughItsLevelAndWhatIsMoreSevere() {
        var logger = new StderrLogger("x", Level.WARN, new StderrLogging());
        assertThat(logger.isWarnEnabled()).isTrue();
        assertThat(logger.isErrorEnabled()).isTrue();
        assertThat(logger.isInfoEnabled()).isFalse();
        assertThat(new StderrLogger("x", Level.OFF, new StderrLogging()).isErrorEnabled()).isFalse();
    }
}
