package jvmm.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the checkout's tools/ scripts for the tests of this package. */
final class ToolScripts {

    /** What a script did: its exit code, stdout and stderr. */
    record Run(int exit, String out, String err) {
    }

    private ToolScripts() {
    }

    /** The script {@code tools/NAME} of the checkout these tests run in (found upwards from the working directory). */
    static Path script(String name) {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isExecutable(d.resolve("tools").resolve(name))) {
            d = d.getParent();
        }
        if (d == null) {
            throw new IllegalStateException("tools/" + name + " not found above " + Path.of("").toAbsolutePath());
        }
        return d.resolve("tools").resolve(name);
    }

    /** Runs {@code tools/NAME ARGS} with {@code env} added, stdin closed, within {@code seconds}. */
    static Run run(String name, Map<String, String> env, long seconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script(name).toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
