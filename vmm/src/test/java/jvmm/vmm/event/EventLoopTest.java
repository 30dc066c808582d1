package jvmm.vmm.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.TimerFd;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    @Test
    void aTimerRunsItsHandlerOnTheLoopThreadEveryInterval() throws Exception {
        try (EventLoop loop = new EventLoop(); TimerFd timer = TimerFd.create()) {
            var ticks = new CountDownLatch(3);
            var threads = new java.util.concurrent.ConcurrentLinkedQueue<String>();
            loop.addTimer(timer, () -> {
                threads.add(Thread.currentThread().getName());
                ticks.countDown();
            });
            loop.start();

            timer.setInterval(TimeUnit.MILLISECONDS.toNanos(10));

            assertThat(ticks.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).containsOnly("event-loop");
        }
    }
}
