package jvmm.junit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where jvmm is: a checkout (or unpacked release) with {@code tools/vmm}. Found from the system
 * property {@code jvmm.home}, else the environment's {@code JVMM_HOME} or {@code JVMM_ROOT}, else
 * the working directory and its parents.
 */
public final class JvmmHome {

    private final Path root;
    private volatile String placement;

    private JvmmHome(Path root) {
        this.root = root;
    }

    /** Finds jvmm, or fails with a message that says how to point at it. */
    public static JvmmHome locate() {
        String configured = Optional.ofNullable(System.getProperty("jvmm.home"))
                .or(() -> Optional.ofNullable(System.getenv("JVMM_HOME")))
                .or(() -> Optional.ofNullable(System.getenv("JVMM_ROOT")))
                .orElse(null);
        if (configured != null) {
            Path p = Path.of(configured).toAbsolutePath();
            if (!Files.isExecutable(p.resolve("tools/vmm"))) {
                throw new IllegalStateException("jvmm home " + p + " (from jvmm.home, JVMM_HOME or JVMM_ROOT) has no executable tools/vmm");
            }
            return new JvmmHome(p);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("tools/vmm"))) {
                return new JvmmHome(p);
            }
        }
        throw new IllegalStateException("can't find jvmm's tools/vmm: set the system property jvmm.home "
                + "or the environment variable JVMM_HOME to a jvmm checkout");
    }

    public Path root() {
        return root;
    }

    /** The launcher: {@code tools/vmm}. */
    public Path launcher() {
        return root.resolve("tools/vmm");
    }

    /**
     * Where guests run: {@code "direct"} (this host's KVM) or {@code "sandbox"} (the KVM sandbox,
     * where the host's KVM can't run Linux), as {@code tools/kvm-where} decides.
     */
    public String placement() {
        String p = placement;
        if (p == null) {
            p = run(root.resolve("tools/kvm-where").toString()).strip();
            placement = p;
        }
        return p;
    }

    /** A file of the default guest image ({@code KERNEL}, {@code INITRD} or {@code ROOTFS}), built on first use. */
    public Path defaultGuestFile(String key) {
        return guestFile("build-default-guest", key);
    }

    /**
     * A file of the minimal-kernel guest: {@code KERNEL} (the minimal kernel's bzImage), {@code
     * INITRD} or {@code ROOTFS} (the default guest's). The first use builds the kernel from
     * Debian's linux-source, which takes minutes (its progress goes to stderr); later ones find
     * it cached.
     */
    public Path minimalGuestFile(String key) {
        return guestFile("build-minimal-kernel", key);
    }

    private Path guestFile(String script, String key) {
        String out = run(root.resolve("guest-images").resolve(script).toString(), "--print-paths");
        return out.lines().filter(l -> l.startsWith(key + "=")).map(l -> Path.of(l.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new IllegalStateException(script + " printed no " + key + "= line"));
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed with exit " + rc);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("can't run " + cmd[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd[0], e);
        }
    }
}
