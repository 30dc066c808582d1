package jvmm.vmm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jvmm.vmm.HostException;
import jvmm.vmm.config.VmConfig;

/**
 * Where this VM runs: on the host's /dev/kvm, or inside the KVM sandbox where the host's KVM
 * can't run Linux guests. The decision is tools/kvm-where's, the one place the launcher, the
 * tests and this class share (JVMM_KVM=direct|sandbox forces it).
 */
final class KvmPlacement {

    private static final long SANDBOX_OVERHEAD = 1536L << 20;
    private static final long SANDBOX_MIN_MEMORY = 4L << 30;

    private KvmPlacement() {
    }

    /** Whether the run must go through the sandbox. Inside the sandbox, never. */
    static boolean needsSandbox() throws HostException {
        if (System.getenv("JVMM_IN_SANDBOX") != null) {
            return false;
        }
        Path where = tool("kvm-where");
        if (where == null) {
            return false; // not run from a checkout: use /dev/kvm as it is
        }
        try {
            Process p = new ProcessBuilder(where.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new HostException(where + " failed (exit " + rc + "): check JVMM_KVM (direct or sandbox)", null, 2);
            }
            return out.equals("sandbox");
        } catch (IOException e) {
            throw new HostException("can't run " + where + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted", e);
        }
    }

    /**
     * Runs {@code tools/vmm} with {@code vmmArgs} inside the KVM sandbox, sized for {@code config},
     * with this process's stdin, stdout and stderr, and returns its exit code.
     */
    static int runInSandbox(List<String> vmmArgs, VmConfig config) throws HostException, InterruptedException {
        System.err.println("jvmm: the host's KVM can't run Linux guests; running the VM inside the KVM sandbox (slower)");
        System.err.flush();
        long memory = Math.max(SANDBOX_MIN_MEMORY, config.memoryBytes() + SANDBOX_OVERHEAD);
        List<String> cmd = new ArrayList<>(List.of(tool("kvm-sandbox").toString(), "run",
                "--cpus", Integer.toString(Math.max(2, Math.min(config.cpus(), Runtime.getRuntime().availableProcessors()))),
                "--memory", (memory >> 20) + "M", "--", tool("vmm").toString()));
        cmd.addAll(vmmArgs);
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new HostException("can't start the KVM sandbox: " + e.getMessage(), e);
        }
    }

    private static Path tool(String name) {
        String home = System.getProperty(DefaultGuest.HOME_PROPERTY);
        if (home == null) {
            return null;
        }
        Path p = Path.of(home, "tools", name);
        return Files.isExecutable(p) ? p : null;
    }
}
