package jvmm.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a tiny guest with guest-images/tiny/build-tiny-guest (found above the working directory). */
final class TinyGuests {

    private TinyGuests() {
    }

    /** The path build-tiny-guest prints: tiny.elf, or with {@code --firmware} firmware.bin. */
    static Path build(String... args) throws Exception {
        Path dir = checkout();
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("guest-images/tiny/build-tiny-guest").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
        return Path.of(out);
    }

    /** The checkout this test runs in: the first directory above the working one with guest-images/tiny/build-tiny-guest. */
    static Path checkout() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("guest-images/tiny/build-tiny-guest"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("guest-images/tiny/build-tiny-guest not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
