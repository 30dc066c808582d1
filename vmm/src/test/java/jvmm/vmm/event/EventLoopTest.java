package jvmm.vmm.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.EventFd;
import jvmm.kvm.sys.TimerFd;
import jvmm.virtio.device.FdWatch;
import org.junit.jupiter.api.Test;

/** The event loop's hooks on a real epoll loop: timers, and host fds watched on and off. */
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

    @Test
    void aWatchableFdRunsItsHandlerOnlyWhileWatched() throws Exception {
        try (EventLoop loop = new EventLoop();
             EventFd fd = EventFd.create(EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK)) {
            Semaphore runs = new Semaphore(0);
            FdWatch[] watch = new FdWatch[1];
            // Like a device that reads until it would block: drain, then keep watching.
            watch[0] = loop.addWatchable(fd.fd(), () -> {
                try {
                    fd.drain();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                runs.release();
            });
            loop.start();

            fd.signal();
            assertThat(runs.tryAcquire(300, TimeUnit.MILLISECONDS)).as("not watched yet").isFalse();

            watch[0].setWatched(true);
            watch[0].setWatched(true);
            assertThat(runs.tryAcquire(5, TimeUnit.SECONDS)).as("watched: the pending event is served").isTrue();

            watch[0].setWatched(false);
            fd.signal();
            assertThat(runs.tryAcquire(300, TimeUnit.MILLISECONDS)).as("unwatched again").isFalse();

            watch[0].setWatched(true);
            assertThat(runs.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
