package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvmm.junit.GuestSpec;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtio devices on a stock Debian kernel, which finds them only through our ACPI tables:
 * disks (raw files on the host), a read-only disk, the virtio console, and root on /dev/vda.
 */
class VirtioBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final long MIB = 1 << 20;

    @RegisterExtension
    static final JvmmExtension JVMM = new JvmmExtension();

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
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().memory("512M").virtioConsole()
                .vmmArgs("--disk", data + ",id=jvmm-data", "--disk", ro + ",ro") // vda, vdb in this order
                .appendCmdline(BootTests.runsCommand(cmd)));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console())
                .contains("virtio=vda,vdb,hvc0")
                .contains("jvmm-data")
                .contains("ro-refused")
                .contains("vda vdb");
        Matcher m = Pattern.compile("guest-sha=([0-9a-f]{64})").matcher(vm.console());
        assertThat(m.find()).as(vm.console()).isTrue();
        assertThat(sha256(data, 64 * MIB)).isEqualTo(m.group(1));
        assertThat(Files.readAllBytes(ro)).containsOnly(0);
    }

    @Test
    void rootOnVdaBootsFromAnExt4Disk() throws Exception {
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().copyOfDisk(JVMM.home().defaultGuestFile("ROOTFS"))
                .appendCmdline(BootTests.runsCommand("grep ' / ' /proc/mounts") + " root=/dev/vda"));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console()).containsPattern("/dev/vda / ext4");
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
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().disk(data).appendCmdline(BootTests.runsCommand(cmd)));
        String line = vm.awaitLine("guest-sha=([0-9a-f]{64}) synced", TIMEOUT);
        vm.kill(); // SIGKILL to the VMM and all it started: nothing gets to flush on its way out
        assertThat(vm.process().isAlive()).isFalse();
        Matcher m = Pattern.compile("guest-sha=([0-9a-f]{64}) synced").matcher(line);
        assertThat(m.find()).isTrue();
        assertThat(sha256(data, 16 * MIB)).isEqualTo(m.group(1));
    }

    @Test
    void shellOnTheVirtioConsoleRunsWhatIsTyped() throws Exception {
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().virtioConsole());
        vm.awaitLine(GuestVm.DEFAULT_PROMPT, TIMEOUT);
        var r = vm.run("tty; echo typed-$((6*7))", Duration.ofMinutes(2));
        assertThat(r.output()).isEqualTo("/dev/hvc0\ntyped-42\n");
        vm.send("poweroff -f\n");
        assertThat(vm.awaitExit(TIMEOUT)).isZero();
        assertThat(vm.console()).contains("virtio=hvc0");
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
