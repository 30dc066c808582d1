package jvmm.virtio;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    @Test
    void warningsBeyondTheBurstAreCountedNotLogged() {
        var log = new RateLimitedLog(LogManager.getLogger(RateLimitedLogTest.class), Long.MAX_VALUE / 4, 3);
        for (int i = 0; i < 10; i++) {
            log.warn("guest did thing {}", i);
        }
        assertThat(log.suppressed()).isEqualTo(7);
    }

    @Test
    void aNewWindowLetsWarningsThroughAgainAndReportsTheSuppressedCount() throws InterruptedException {
        var log = new RateLimitedLog(LogManager.getLogger(RateLimitedLogTest.class), 1_000_000, 1);
        log.warn("first");
        log.warn("dropped");
        assertThat(log.suppressed()).isEqualTo(1);
        Thread.sleep(5);
        log.warn("after the window");
        assertThat(log.suppressed()).isZero();
    }
}
