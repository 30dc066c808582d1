package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvmm.junit.JvmmHome;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Test;

/**
 * virtio-net on a stock Debian kernel, over a TAP in a network namespace that the test creates,
 * so no traffic leaves it. The namespace and the TAP must live in the kernel that runs the VMM:
 * on hardware KVM that is this host's; elsewhere the whole script runs inside the KVM sandbox
 * (another kernel, with tun loaded) and the VMM then runs there directly.
 */
class NetBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final String TAP = "jvmmtap0";
    private static final String MAC = "52:54:00:12:34:56";
    private static final long BYTES = 100L << 20;
    /** Brings the guest's only NIC up as 10.77.0.2/24 and prints its name and MAC. */
    private static final String GUEST_NIC_UP = String.join("; ",
            "dev=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)",
            "echo nic=$dev mac=$(cat /sys/class/net/$dev/address)",
            "ip link set $dev up",
            "ip addr add 10.77.0.2/24 dev $dev");

    @Test
    void theGuestPingsTheHostEndOfItsTap() throws Exception {
        String guest = String.join("; ",
                GUEST_NIC_UP,
                "if ping -c 3 -W 10 10.77.0.1; then echo ping-ok; else echo ping-failed; fi");

        var r = HostProcess.run(TIMEOUT, inNetns("", "--memory 512M", guest, ""));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString())
                .contains("virtio=eth0")
                .contains("nic=eth0 mac=" + MAC)
                .contains("ping-ok")
                .containsPattern("3 packets transmitted, 3 (packets )?received");
    }

    /**
     * 100 MiB of random bytes over TCP each way (busybox nc on both ends; the host end's
     * listeners run nc -e, so each side sees end of file only when the other is done) arrive
     * with the sha256 they left with.
     */
    @Test
    void hundredMebibytesCrossTheTapIntactInEachDirection() throws Exception {
        String guest = String.join("; ",
                GUEST_NIC_UP,
                "head -c " + BYTES + " /dev/urandom > /tmp/up",
                "echo guest-up-sha=$(sha256sum /tmp/up | cut -d' ' -f1)",
                "t0=$(date +%s)",
                "nc 10.77.0.1 5001 < /tmp/up",
                "t1=$(date +%s)",
                "rm /tmp/up",
                "nc 10.77.0.1 5002 < /dev/null > /tmp/down",
                "t2=$(date +%s)",
                "echo guest-down-sha=$(sha256sum /tmp/down | cut -d' ' -f1) bytes=$(wc -c < /tmp/down)",
                "echo seconds up=$((t1 - t0)) down=$((t2 - t1))");
        String before = String.join("\n",
                "d=$(mktemp -d)",
                "head -c " + BYTES + " /dev/urandom > $d/down",
                "echo host-down-sha=$(sha256sum $d/down | cut -d' ' -f1)",
                "busybox nc -l -p 5001 -e sh -c \"cat > $d/up\" > /dev/null 2>&1 &",
                "busybox nc -l -p 5002 -e cat $d/down > /dev/null 2>&1 &");
        String after = String.join("\n",
                "echo host-up-sha=$(sha256sum $d/up | cut -d' ' -f1) bytes=$(wc -c < $d/up)",
                "rm -rf $d");

        var r = HostProcess.run(TIMEOUT, inNetns(before, "--memory 1G", guest, after));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String up = group(r, "guest-up-sha=([0-9a-f]{64})");
        String down = group(r, "host-down-sha=([0-9a-f]{64})");
        Matcher seconds = Pattern.compile("seconds up=\\d+ down=\\d+").matcher(r.stdout());
        if (seconds.find()) {
            System.out.println("NetBootIT 100 MiB guest->host, host->guest: " + seconds.group()
                    + (JvmmHome.locate().placement().equals("sandbox") ? " (inside the KVM sandbox: only ratios mean anything)" : ""));
        }
        assertThat(r.stdout()).as(r.toString())
                .contains("host-up-sha=" + up + " bytes=" + BYTES)
                .contains("guest-down-sha=" + down + " bytes=" + BYTES);
    }

    private static String group(HostProcess.Result r, String regex) {
        Matcher m = Pattern.compile(regex).matcher(r.stdout());
        assertThat(m.find()).as(regex + " in\n" + r).isTrue();
        return m.group(1);
    }

    /**
     * The command that, in a new network namespace, gives the host end of a fresh TAP
     * 10.77.0.1/24, runs {@code before}, boots the default guest running {@code guest} with a NIC
     * on that TAP, runs {@code after}, and exits with the VMM's status.
     */
    private static List<String> inNetns(String before, String vmmArgs, String guest, String after) throws Exception {
        String host = String.join("\n",
                "set -e",
                "ip link set lo up",
                "ip tuntap add dev " + TAP + " mode tap",
                "ip addr add 10.77.0.1/24 dev " + TAP,
                "ip link set " + TAP + " up",
                before.isEmpty() ? ":" : before,
                "status=0",
                "'" + JvmmHome.locate().root().resolve("tools/vmm") + "' run " + vmmArgs + defaultGuestFiles()
                        + " --net tap=" + TAP + ",mac=" + MAC
                        + " --cmdline '" + VmConfig.DEFAULT_CMDLINE + " " + BootTests.runsCommand(guest) + "' || status=$?",
                after.isEmpty() ? ":" : after,
                "exit $status");
        List<String> cmd = new ArrayList<>();
        if (JvmmHome.locate().placement().equals("sandbox")) {
            cmd.addAll(List.of(JvmmHome.locate().root().resolve("tools/kvm-sandbox").toString(), "run", "--"));
        }
        cmd.addAll(List.of("unshare", "--net"));
        if (!output("id", "-u").equals("0")) {
            cmd.add("--map-root-user"); // a user namespace makes an unprivileged user root in the new netns
        }
        cmd.addAll(List.of("sh", "-c", host));
        return cmd;
    }

    /** The default guest's kernel and initramfs, so nothing is built inside the sandbox. */
    private static String defaultGuestFiles() {
        JvmmHome home = JvmmHome.locate();
        return " --kernel '" + home.defaultGuestFile("KERNEL") + "' --initrd '" + home.defaultGuestFile("INITRD") + "'";
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
        return out;
    }
}
