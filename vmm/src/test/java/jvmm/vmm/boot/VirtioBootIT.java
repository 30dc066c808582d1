package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtio devices on a stock Debian kernel, which finds them only through our ACPI tables:
 * disks (raw files on the host), a read-only disk, the virtio console, and root on /dev/vda.
 */
class VirtioBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void guestWrites64MiBThatTheHostReadsBackAndTheReadOnlyDiskRefusesWrites() throws Exception {
        Path data = dir.resolve("data.img");
        Path ro = dir.resolve("ro.img");
        try (var f = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(0).position(96 * MIB - 1).write(java.nio.ByteBuffer.wrap(new byte[1]));
        }
        Files.write(ro, new byte[(int) MIB]);
        String cmd = String.join("; ",
                "cat /sys/block/vda/serial; echo",
                "head -c 67108864 /dev/urandom > /tmp/r",
                "dd if=/tmp/r of=/dev/vda bs=1M oflag=direct 2>/dev/null",
                "sync",
                "echo guest-sha=$(sha256sum /tmp/r | cut -d' ' -f1)",
                "if echo x > /dev/vdb; then echo ro-accepted; else echo ro-refused; fi",
                "ls /sys/block | tr '\\n' ' '; echo");
        var r = VmmProcess.run(TIMEOUT, List.of(), "run", "--memory", "512M", "--console", "virtio",
                "--disk", data + ",id=jvmm-data", "--disk", ro + ",ro",
                "--cmdline", VmmProcess.cmdlineRunning(cmd));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString())
                .contains("virtio=vda,vdb,hvc0")
                .contains("jvmm-data")
                .contains("ro-refused")
                .contains("vda vdb");
        Matcher m = Pattern.compile("guest-sha=([0-9a-f]{64})").matcher(r.stdout());
        assertThat(m.find()).as(r.toString()).isTrue();
        assertThat(sha256(data, 64 * MIB)).isEqualTo(m.group(1));
        assertThat(Files.readAllBytes(ro)).containsOnly(0);
    }

    @Test
    void rootOnVdaBootsFromAnExt4Disk() throws Exception {
        Path rootfs = dir.resolve("rootfs.ext4");
        Files.copy(defaultRootfs(), rootfs, StandardCopyOption.REPLACE_EXISTING);
        var r = VmmProcess.run(TIMEOUT, List.of(), "run", "--disk", rootfs.toString(),
                "--cmdline", VmmProcess.cmdlineRunning("grep ' / ' /proc/mounts") + " root=/dev/vda");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).containsPattern("/dev/vda / ext4");
    }

    @Test
    void whatTheGuestSyncedIsInTheHostFileEvenWhenTheVmmIsKilled() throws Exception {
        Path data = dir.resolve("data.img");
        Files.write(data, new byte[(int) (32 * MIB)]);
        String cmd = String.join("; ",
                "head -c 16777216 /dev/urandom > /tmp/r",
                "cat /tmp/r > /dev/vda",
                "sync",
                "echo guest-sha=$(sha256sum /tmp/r | cut -d' ' -f1) synced",
                "sleep 600");
        var r = VmmProcess.run(TIMEOUT, List.of(VmmProcess.Step.killOn(" synced")), "run",
                "--disk", data.toString(), "--cmdline", VmmProcess.cmdlineRunning(cmd));
        assertThat(r.exitCode()).as(r.toString()).isNotZero(); // killed, not powered off
        Matcher m = Pattern.compile("guest-sha=([0-9a-f]{64}) synced").matcher(r.stdout());
        assertThat(m.find()).as(r.toString()).isTrue();
        assertThat(sha256(data, 16 * MIB)).isEqualTo(m.group(1));
    }

    @Test
    void shellOnTheVirtioConsoleRunsWhatIsTyped() throws Exception {
        var r = VmmProcess.run(TIMEOUT, List.of(
                new VmmProcess.Step("jvmm-guest:/# ", "tty; echo typed-$((6*7))\n"),
                new VmmProcess.Step("typed-42", "poweroff -f\n")), "run", "--console", "virtio");
        assertThat(r.stdout()).as(r.toString()).contains("virtio=hvc0", "/dev/hvc0", "typed-42");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static Path defaultRootfs() throws Exception {
        Process p = new ProcessBuilder(VmmProcess.root().resolve("guest-images/build-default-guest").toString(), "--print-paths")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out.lines().filter(l -> l.startsWith("ROOTFS=")).map(l -> Path.of(l.substring(7))).findFirst().orElseThrow();
    }

    private static String sha256(Path file, long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long left = length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                md.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
