package jvmm.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over a real Unix socket: Jetty on one side, our client on the other. */
class ApiServerTest {

    @TempDir
    Path dir;

    @Test
    void requestsAndAnswersCrossTheSocket() throws Exception {
        Path sock = dir.resolve("api.sock");
        try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("sock-vm"), "dev"))) {
            var client = new UnixHttpClient(sock);
            var info = client.send("GET", "/", null);
            assertThat(info.status()).isEqualTo(200);
            assertThat(info.body()).contains("\"id\":\"sock-vm\"", "\"state\":\"Not started\"");
            assertThat(client.send("PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 64}").status()).isEqualTo(204);
            var bad = client.send("PUT", "/machine-config", "{\"vcpu_count\": ");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).startsWith("{\"fault_message\":");
            assertThat(client.send("GET", "/snapshot/create", null).status()).isEqualTo(404);
            var huge = client.send("PUT", "/machine-config", "{\"x\": \"" + "a".repeat(100_000) + "\"}");
            assertThat(huge.status()).isEqualTo(413);
            assertThat(client.send("GET", "/machine-config", null).body()).contains("\"mem_size_mib\":64");
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneRefused() throws Exception {
        Path sock = dir.resolve("api.sock");
        Files.writeString(sock, "stale");
        try (ApiServer first = ApiServer.start(sock, new ApiRouter(new ApiVm("a"), "dev"))) {
            assertThat(new UnixHttpClient(sock).send("GET", "/", null).status()).isEqualTo(200);
            assertThatThrownBy(() -> ApiServer.start(sock, new ApiRouter(new ApiVm("b"), "dev")))
                    .isInstanceOf(IOException.class).hasMessageContaining("another process is listening");
        }
    }

    /**
     * In a JVM of its own, since this one may have JMX loaded already: serving a request does
     * not start the platform MBean server (Jetty would, for one int it can be told instead).
     */
    @Test
    void servingDoesNotStartJmx() throws Exception {
        Path classLog = dir.resolve("classes.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-Xlog:class+load=info:file=" + classLog,
                "-cp", System.getProperty("java.class.path"), ServeOnce.class.getName(), dir.resolve("child.sock").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        } finally {
            child.destroyForcibly(); // a hung child must not outlive the test (no-op once it exited)
        }
        assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.out"))).isZero();
        String loaded = Files.readString(classLog);
        assertThat(loaded).contains("org.eclipse.jetty.server.Server ");
        assertThat(loaded).doesNotContain("javax.management.MBeanServer ", "java.lang.management.ManagementFactory ");
    }

    /** The child of {@link #servingDoesNotStartJmx}: one GET over the socket in args[0]. */
    static final class ServeOnce {
        public static void main(String[] args) throws Exception {
            Path sock = Path.of(args[0]);
            try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("child"), "dev"))) {
                int status = new UnixHttpClient(sock).send("GET", "/", null).status();
                if (status != 200) {
                    throw new AssertionError("GET / answered " + status);
                }
            }
        }
    }
}
