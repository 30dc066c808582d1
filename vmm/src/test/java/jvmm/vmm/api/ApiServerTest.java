package jvmm.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
