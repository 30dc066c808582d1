package jvmm.vmm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jvmm.vmm.HostException;

/**
 * The default guest: kernel and initramfs that guest-images/build-default-guest builds from
 * Debian packages on first use (it prints its progress on stderr, which we pass through) and
 * caches outside the repository.
 */
record DefaultGuest(Path kernel, Path initrd, Path rootfs) {

    static final String HOME_PROPERTY = "jvmm.home";

    static DefaultGuest build() throws HostException {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new HostException("no --kernel given and the default guest is unknown here"
                    + " (run through tools/vmm, which sets -D" + HOME_PROPERTY + ")");
        }
        Path script = Path.of(home, "guest-images", "build-default-guest");
        if (!Files.isExecutable(script)) {
            throw new HostException("no --kernel given and " + script + " is missing");
        }
        try {
            Process p = new ProcessBuilder(script.toString(), "--print-paths")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new HostException("building the default guest failed (" + script + " exited with " + rc + ")");
            }
            return parse(out);
        } catch (IOException e) {
            throw new HostException("can't run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted while building the default guest", e);
        }
    }

    /** Parses the KEY=PATH lines the build script prints (KERNEL=, INITRD=, ROOTFS=). */
    static DefaultGuest parse(String out) throws HostException {
        Path kernel = null;
        Path initrd = null;
        Path rootfs = null;
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            Path value = Path.of(line.substring(eq + 1).trim());
            switch (line.substring(0, eq).trim()) {
                case "KERNEL" -> kernel = value;
                case "INITRD" -> initrd = value;
                case "ROOTFS" -> rootfs = value;
                default -> { }
            }
        }
        if (kernel == null || initrd == null) {
            throw new HostException("the default guest build printed no KERNEL=/INITRD= paths");
        }
        return new DefaultGuest(kernel, initrd, rootfs);
    }
}
