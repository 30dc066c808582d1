package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvmm.junit.GuestSpec;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * virtio-balloon on the default guest (its virtio_balloon module is loaded at boot). The VMM's
 * RSS is read where the VMM runs (inside the KVM sandbox here), by the VMM itself: with a stats
 * interval and debug logging it logs, every second, the balloon's size and its VmRSS from
 * /proc/self/status.
 */
class BalloonBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    @RegisterExtension
    static final JvmmExtension JVMM = new JvmmExtension();
    private static final Pattern STATUS = Pattern.compile(
            "balloon0: target (\\d+) MiB, balloon (\\d+) MiB, guest free (\\S+)(?: MiB)?, VMM RSS (\\d+) MiB");

    /**
     * The guest waits for the balloon to take its 600 MiB at boot, unbinds the driver (which
     * deflates it all), fills and frees 512 MiB (possible only because the deflated memory is
     * usable again), then binds the driver again, which inflates to 600 MiB once more and hands
     * the freed pages back to the host.
     */
    private static final String GUEST = String.join("\n",
            "drv=/sys/bus/virtio/drivers/virtio_balloon; dev=$(ls $drv | grep '^virtio' | head -1)",
            "total() { awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo; }",
            "wait_total_below() { i=0; while [ $(total) -ge $1 ] && [ $i -lt 300 ]; do sleep 1; i=$((i+1)); done; }",
            // Against the 1 GiB the guest was given: at the command's start the balloon may already
            // hold part of its 600 MiB, so the MemTotal seen then is no baseline (waiting on it
            // ran into the 300 s limit in CI).
            "wait_total_below $((1024 - 590)); echo \"boot-inflated total=$(total)\"",
            "echo $dev > $drv/unbind; echo \"deflated total=$(total)\"",
            // A tmpfs of its own: the root one may hold only half of the RAM there was at boot.
            "mkdir -p /fill && mount -t tmpfs -o size=600m fill /fill",
            "dd if=/dev/zero of=/fill/512M bs=1M count=512 2>/dev/null && echo filled-512M; rm -f /fill/512M",
            "sleep 4; full=$(total); echo $dev > $drv/bind",
            "wait_total_below $((full - 590)); echo \"inflated-again total=$(total)\"; sleep 4");

    record Status(long balloonMib, String guestFree, long rssMib) {
    }

    @Test
    void aBalloonOf600MiBGivesTheFreedMemoryBackAndTheVmmRssDropsBy500MiB() throws Exception {
        GuestVm r = JVMM.boot(GuestSpec.defaultGuest().memory("1G")
                .vmmArgs("--balloon", "amount=600M,stats-interval=1", "--log-level", "debug")
                .appendCmdline(BootTests.runsCommand(GUEST)));

        assertThat(r.awaitExit(TIMEOUT)).as(r.console()).isZero();
        assertThat(r.console()).as(r.vmmLog())
                .contains("virtio=balloon", "boot-inflated", "filled-512M", "inflated-again");
        List<Status> statuses = statuses(r.vmmLog());
        // The peak: the guest's 512 MiB are resident while the driver is unbound (balloon 0).
        long peak = statuses.stream().filter(s -> s.balloonMib() == 0).mapToLong(Status::rssMib).max().orElseThrow();
        // The end: the balloon is full again (at power-off the driver resets the device, so the
        // very last lines may read 0).
        Status last = statuses.stream().filter(s -> s.balloonMib() == 600).reduce((a, b) -> b)
                .orElseThrow(() -> r.failure("the balloon never reached 600 MiB"));
        System.out.printf("balloon boot: VMM RSS %d MiB at the peak, %d MiB with the balloon at 600 MiB%n",
                peak, last.rssMib());
        assertThat(peak - last.rssMib()).as("RSS %d MiB at the peak, %d MiB at the end\n%s", peak, last.rssMib(), r.vmmLog())
                .isGreaterThanOrEqualTo(500);
        assertThat(last.guestFree()).as("statistics arrived").isNotEqualTo("n/a");
    }

    @Test
    void memoryTheGuestFreesIsReportedAndLeavesTheVmmRss() throws Exception {
        String guest = String.join("\n",
                "mkdir -p /fill && mount -t tmpfs -o size=600m fill /fill",
                "dd if=/dev/zero of=/fill/512M bs=1M count=512 2>/dev/null && echo filled-512M",
                "sleep 4; rm -f /fill/512M; echo freed",
                // Linux reports free 2 MiB blocks about 2 s after they are freed, in batches.
                "sleep 15");
        GuestVm r = JVMM.boot(GuestSpec.defaultGuest().memory("1G")
                .vmmArgs("--balloon", "free-page-reporting,stats-interval=1", "--log-level", "debug")
                .appendCmdline(BootTests.runsCommand(guest)));

        assertThat(r.awaitExit(TIMEOUT)).as(r.console()).isZero();
        assertThat(r.console()).as(r.vmmLog()).contains("virtio=balloon", "filled-512M", "freed");
        List<Status> statuses = statuses(r.vmmLog(), 0);
        long peak = statuses.stream().mapToLong(Status::rssMib).max().orElseThrow();
        long end = statuses.getLast().rssMib();
        System.out.printf("free page reporting boot: VMM RSS %d MiB at the peak, %d MiB at the end%n", peak, end);
        assertThat(statuses).as("the balloon itself stays empty").allMatch(s -> s.balloonMib() == 0);
        assertThat(peak - end).as("RSS %d MiB at the peak, %d MiB at the end\n%s", peak, end, r.vmmLog())
                .isGreaterThanOrEqualTo(450);
    }

    private static List<Status> statuses(String log) {
        return statuses(log, 600);
    }

    private static List<Status> statuses(String log, long target) {
        var list = new ArrayList<Status>();
        Matcher m = STATUS.matcher(log);
        while (m.find()) {
            assertThat(Long.parseLong(m.group(1))).isEqualTo(target);
            list.add(new Status(Long.parseLong(m.group(2)), m.group(3), Long.parseLong(m.group(4))));
        }
        assertThat(list).as(log).isNotEmpty();
        return list;
    }
}
