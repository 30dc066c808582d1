package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void theGuestPingsTheHostEndOfItsTap() throws Exception {
        String guest = String.join("; ",
                "dev=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)",
                "echo nic=$dev mac=$(cat /sys/class/net/$dev/address)",
                "ip link set $dev up",
                "ip addr add 10.77.0.2/24 dev $dev",
                "if ping -c 3 -W 10 10.77.0.1; then echo ping-ok; else echo ping-failed; fi");
        String host = String.join("; ",
                "set -e",
                "ip link set lo up",
                "ip tuntap add dev " + TAP + " mode tap",
                "ip addr add 10.77.0.1/24 dev " + TAP,
                "ip link set " + TAP + " up",
                "exec '" + VmmProcess.root().resolve("tools/vmm") + "' run" + defaultGuestFiles()
                        + " --net tap=" + TAP + ",mac=" + MAC
                        + " --cmdline '" + VmmProcess.cmdlineRunning(guest) + "'");
        List<String> cmd = new ArrayList<>();
        if (output("tools/kvm-where").equals("sandbox")) {
            cmd.addAll(List.of(VmmProcess.root().resolve("tools/kvm-sandbox").toString(), "run", "--"));
        }
        cmd.addAll(List.of("unshare", "--net"));
        if (!output("id", "-u").equals("0")) {
            cmd.add("--map-root-user"); // a user namespace makes an unprivileged user root in the new netns
        }
        cmd.addAll(List.of("sh", "-c", host));

        var r = VmmProcess.exec(TIMEOUT, List.of(), cmd);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString())
                .contains("virtio=eth0")
                .contains("nic=eth0 mac=" + MAC)
                .contains("ping-ok")
                .containsPattern("3 packets transmitted, 3 (packets )?received");
    }

    /** The default guest's kernel and initramfs, so nothing is built inside the sandbox. */
    private static String defaultGuestFiles() throws Exception {
        String paths = output("guest-images/build-default-guest", "--print-paths");
        StringBuilder args = new StringBuilder();
        for (String line : paths.lines().toList()) {
            if (line.startsWith("KERNEL=")) {
                args.append(" --kernel '").append(line.substring(7)).append('\'');
            } else if (line.startsWith("INITRD=")) {
                args.append(" --initrd '").append(line.substring(7)).append('\'');
            }
        }
        assertThat(args.toString()).contains("--kernel", "--initrd");
        return args.toString();
    }

    private static String output(String... cmd) throws Exception {
        List<String> command = new ArrayList<>(List.of(cmd));
        if (command.get(0).contains("/")) {
            command.set(0, VmmProcess.root().resolve(command.get(0)).toString());
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
        return out;
    }
}
