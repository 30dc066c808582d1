package jvmm.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.UnixSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over a real Unix socket: our server on one side, our client (or raw bytes) on the other. */
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
     * not start the platform MBean server (Jetty did, until it was told the one int it asked it),
     * nor load NIO's socket classes.
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
        assertThat(loaded).contains("jvmm.vmm.api.ApiServer ");
        assertThat(loaded).doesNotContain("javax.management.MBeanServer ", "java.lang.management.ManagementFactory ");
        // Nor NIO's socket channels, which bring SecureRandom and the security providers along.
        assertThat(loaded).doesNotContain("sun.nio.ch.ServerSocketChannelImpl ", "java.security.SecureRandom ");
    }

    /** Raw bytes to the server on {@code sock}, and everything it answers until it closes the connection. */
    private static String exchange(Path sock, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aConnectionCarriesRequestsUntilOneAsksToClose() throws Exception {
        Path sock = dir.resolve("api.sock");
        try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("ka"), "dev"))) {
            String put = "{\"vcpu_count\": 2, \"mem_size_mib\": 128}";
            String answers = exchange(sock, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "PUT /machine-config HTTP/1.1\r\nContent-Length: " + put.length() + "\r\n\r\n" + put
                    + "GET /machine-config?pretty HTTP/1.1\r\nConnection: close\r\n\r\n");
            assertThat(answers).startsWith("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
                    .contains("\"id\":\"ka\"", "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n")
                    .endsWith("Connection: close\r\n\r\n{\"vcpu_count\":2,\"mem_size_mib\":128,\"smt\":false,\"track_dirty_pages\":false}");
            assertThat(exchange(sock, "GET / HTTP/1.0\r\n\r\n")).as("HTTP/1.0 closes after one answer")
                    .startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n");
            assertThat(exchange(sock, "HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n")).as("HEAD: the length, no body")
                    .startsWith("HTTP/1.1 405 Method Not Allowed\r\n").endsWith("Connection: close\r\n\r\n");
        }
    }

    @Test
    void aClientThatWaitsForContinueGetsIt() throws Exception {
        Path sock = dir.resolve("api.sock");
        try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("c"), "dev"));
             SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            String put = "{\"vcpu_count\": 1, \"mem_size_mib\": 64}";
            ch.write(ByteBuffer.wrap(("PUT /machine-config HTTP/1.1\r\nExpect: 100-continue\r\nConnection: close\r\n"
                    + "Content-Length: " + put.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer first = ByteBuffer.allocate(25);
            while (first.hasRemaining() && ch.read(first) >= 0) {
                // the interim answer comes before the body is sent
            }
            assertThat(new String(first.array(), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            ch.write(ByteBuffer.wrap(put.getBytes(StandardCharsets.US_ASCII)));
            assertThat(new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 204 No Content\r\n");
        }
    }

    @Test
    void whatItDoesNotSpeakGetsAClearStatusAndTheConnectionEnds() throws Exception {
        Path sock = dir.resolve("api.sock");
        try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("bad"), "dev"))) {
            String[][] cases = {
                    {"GET /\r\n\r\n", "400 Bad Request", "malformed request line 'GET /'"},
                    {"GET / HTTP/2.0\r\n\r\n", "505 HTTP Version Not Supported", "HTTP version 'HTTP/2.0' is not supported: HTTP/1.1 or HTTP/1.0"},
                    {"PUT /vm HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "411 Length Required",
                            "Transfer-Encoding 'chunked' is not supported: send the body with Content-Length"},
                    {"PUT /vm HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "400 Bad Request", "Content-Length '12x' is not a number of bytes"},
                    {"GET / HTTP/1.1\r\nno colon here\r\n\r\n", "400 Bad Request", "malformed header line 'no colon here'"},
                    {"GET / HTTP/1.1\r\nX: " + "a".repeat(9000) + "\r\n\r\n", "431 Request Header Fields Too Large",
                            "request line and headers larger than 8 KiB"},
                    {"PUT /vm HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 70000\r\n\r\n", "413 Content Too Large",
                            "request body larger than 64 KiB"},
            };
            for (String[] c : cases) {
                assertThat(exchange(sock, c[0])).as(c[0]).startsWith("HTTP/1.1 " + c[1] + "\r\n")
                        .contains("Connection: close\r\n").endsWith("{\"fault_message\":\"" + c[2] + "\"}");
            }
            assertThat(exchange(sock, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).as("still serving")
                    .startsWith("HTTP/1.1 200 OK\r\n");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndTheOthersServed() throws Exception {
        Path sock = dir.resolve("api.sock");
        List<SocketChannel> idle = new ArrayList<>();
        try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("many"), "dev"))) {
            for (int i = 0; i < ApiServer.MAX_CONNECTIONS; i++) {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                idle.add(ch);
                // one answered request each, so each is known to be served before the next opens
                ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer b = ByteBuffer.allocate(4096);
                ch.read(b);
                assertThat(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK");
            }
            try (SocketChannel refused = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                // answered at once, before the client says anything
                assertThat(new String(Channels.newInputStream(refused).readAllBytes(), StandardCharsets.US_ASCII))
                        .startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("too many open API connections (at most 16)");
            }
            idle.removeFirst().close();
            String answer = "";
            for (int i = 0; i < 100 && !answer.startsWith("HTTP/1.1 200"); i++) { // the server sees the close soon
                Thread.sleep(20);
                answer = exchange(sock, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
            }
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n");
        } finally {
            for (SocketChannel ch : idle) {
                ch.close();
            }
        }
    }

    /** The child of {@link #servingDoesNotStartJmx}: one GET over the socket in args[0]. */
    static final class ServeOnce {
        public static void main(String[] args) throws Exception {
            Path sock = Path.of(args[0]);
            // The client is a raw socket too: NIO's client channel would load what is checked for.
            try (ApiServer server = ApiServer.start(sock, new ApiRouter(new ApiVm("child"), "dev"));
                 UnixSocket client = UnixSocket.connect(sock.toString())) {
                client.outputStream().write("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(client.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (!answer.startsWith("HTTP/1.1 200 ")) {
                    throw new AssertionError("GET / answered " + answer);
                }
            }
        }
    }
}
