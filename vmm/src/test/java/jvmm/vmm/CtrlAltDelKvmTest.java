package jvmm.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import jvmm.junit.JvmmHome;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Vmm#sendCtrlAltDel} on the default Linux guest, in-process (the control API, its
 * user-facing trigger, is not there yet): once the guest is up, the VMM presses Ctrl-Alt-Del,
 * the kernel restarts (C_A_D, the guest's init doesn't take it over) with {@code reboot=k}
 * through the i8042, and the VM ends with REBOOT instead of running the guest's command out.
 */
@Tag("kvm")
class CtrlAltDelKvmTest {

    private static final String READY = "jvmm-guest: ready";
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(6);

    /** The console as it comes, for waiting on a line from the test thread. */
    private static final class Console extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        synchronized boolean await(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!text().contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    @Test
    void ctrlAltDelFromTheVmmRebootsTheDefaultLinuxGuest() throws Exception {
        JvmmHome home = JvmmHome.locate();
        String command = Base64.getEncoder().encodeToString("sleep 600; echo no-reboot".getBytes(StandardCharsets.UTF_8));
        var config = new VmConfig(home.defaultGuestFile("KERNEL"), Optional.of(home.defaultGuestFile("INITRD")),
                VmConfig.DEFAULT_CMDLINE + " jvmm.cmd=" + command, VmConfig.DEFAULT_MEMORY, 1);
        var console = new Console();
        try (Vmm vmm = Vmm.create(config, console, -1)) {
            var run = new FutureTask<>(vmm::run);
            Thread.ofPlatform().name("vmm-run").start(run);
            boolean up = console.await(READY, BOOT_TIMEOUT);
            if (!up) {
                vmm.requestStop("the test timed out");
            }
            assertThat(up).as("the guest's ready line; console:%n%s", console.text()).isTrue();
            // The keyboard was bound during the kernel's init, before userspace printed its line.
            vmm.sendCtrlAltDel();
            ExitReason reason = run.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reason).as(console.text()).isEqualTo(ExitReason.REBOOT);
            assertThat(vmm.stopDetail()).contains("i8042");
        }
        assertThat(console.text()).contains("reboot: Restarting system").doesNotContain("no-reboot");
    }
}
