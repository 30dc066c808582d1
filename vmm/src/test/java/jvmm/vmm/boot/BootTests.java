package jvmm.vmm.boot;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** What the boot tests share: the default guest's protocol as kernel command-line words. */
final class BootTests {

    private BootTests() {
    }

    /** {@code jvmm.cmd=...}: the default guest runs {@code command} and powers off. */
    static String runsCommand(String command) {
        return "jvmm.cmd=" + Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8));
    }
}
