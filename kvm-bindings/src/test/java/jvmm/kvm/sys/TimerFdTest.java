package jvmm.kvm.sys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimerFdTest {

    @Test
    void anArmedTimerFiresRepeatedlyAndADisarmedOneNever() throws Exception {
        try (Epoll epoll = Epoll.create(); TimerFd timer = TimerFd.create()) {
            epoll.add(timer.fd(), Epoll.EPOLLIN, 7);
            Epoll.Events events = new Epoll.Events(1);
            assertThat(timer.drain()).isZero();
            assertThat(epoll.wait(events, 50)).as("disarmed").isZero();

            long start = System.nanoTime();
            timer.setInterval(20_000_000L);
            assertThat(epoll.wait(events, 2000)).isEqualTo(1);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(19_000_000L);
            assertThat(events.token(0)).isEqualTo(7);
            long drained = System.nanoTime();
            assertThat(timer.drain()).isGreaterThanOrEqualTo(1);
            Thread.sleep(70);
            long expirations = timer.drain();
            // At least the 3 intervals of the sleep less one in progress; at most what fits in the
            // time since the last drain, however long a loaded machine made the sleep.
            long atMost = (System.nanoTime() - drained) / 20_000_000L + 1;
            assertThat(expirations).as("expirations while nobody read").isBetween(2L, atMost);

            timer.setInterval(0);
            Thread.sleep(50);
            assertThat(timer.drain()).isZero();
            assertThat(epoll.wait(events, 0)).isZero();
        }
    }

    @Test
    void aNegativeIntervalIsRefused() throws Exception {
        try (TimerFd timer = TimerFd.create()) {
            assertThatThrownBy(() -> timer.setInterval(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
