package jvmm.vmm.virtio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.TimerFd;
import jvmm.virtio.balloon.BalloonDevice;
import jvmm.virtio.balloon.BalloonStats;
import jvmm.vmm.event.EventLoop;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The balloon's statistics interval: a timerfd on the event loop that calls
 * {@link BalloonDevice#pollStats()} every interval and logs, at debug level, one line with the
 * balloon's target and size, the guest's free memory and the VMM's own RSS (VmRSS of
 * /proc/self/status), which is how a run shows what the balloon gave back.
 */
public final class BalloonPoller {

    private static final Logger LOG = LogManager.getLogger(BalloonPoller.class);

    private final BalloonDevice balloon;
    private final TimerFd timer;
    private volatile int intervalSeconds;

    private BalloonPoller(BalloonDevice balloon, TimerFd timer, int intervalSeconds) {
        this.balloon = balloon;
        this.timer = timer;
        this.intervalSeconds = intervalSeconds;
    }

    /**
     * Starts polling {@code balloon} on {@code loop} if its config asks for statistics; the timer
     * is added to {@code owned}. Returns the poller, or null when statistics are off.
     */
    public static BalloonPoller start(BalloonDevice balloon, EventLoop loop, List<AutoCloseable> owned) throws ErrnoException {
        int seconds = balloon.config().statsIntervalSeconds();
        if (seconds <= 0) {
            return null;
        }
        TimerFd timer = TimerFd.create();
        owned.add(timer);
        var poller = new BalloonPoller(balloon, timer, seconds);
        loop.addTimer(timer, poller::tick);
        timer.setInterval(TimeUnit.SECONDS.toNanos(seconds));
        return poller;
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    /** Changes the polling interval (the API's PATCH /balloon/statistics). */
    public void setIntervalSeconds(int seconds) throws ErrnoException {
        if (seconds <= 0) {
            throw new IllegalArgumentException("stats interval must be positive: " + seconds);
        }
        timer.setInterval(TimeUnit.SECONDS.toNanos(seconds));
        intervalSeconds = seconds;
    }

    private void tick() {
        balloon.pollStats();
        if (LOG.isDebugEnabled()) {
            BalloonStats stats = balloon.latestStats();
            String free = stats == null ? "n/a"
                    : stats.get(BalloonStats.FREE_MEMORY).stream().mapToObj(BalloonPoller::mib).findFirst().orElse("n/a");
            LOG.debug("{}: target {}, balloon {}, guest free {}, VMM RSS {}", balloon.name(),
                    mib(balloon.targetBytes()), mib(balloon.actualBytes()), free, rss());
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    /** VmRSS of this process in MiB, or "n/a". */
    static String rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return mib(Long.parseLong(line.trim().split("\\s+")[1]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
        return "n/a";
    }
}
