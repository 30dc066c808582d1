package jvmm.kvm.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketTest {

    @TempDir
    Path dir;

    @Test
    void servesTheJdksClientBothWaysPastTheScratchBuffer() throws Exception {
        String path = dir.resolve("s.sock").toString();
        byte[] request = new byte[100_000];
        new Random(7).nextBytes(request);
        try (UnixSocket listener = UnixSocket.listen(path, 4)) {
            assertThat(Files.exists(Path.of(path))).isTrue();
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    ch.write(ByteBuffer.wrap(request));
                    ch.shutdownOutput();
                    return Channels.newInputStream(ch).readAllBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (UnixSocket conn = listener.accept()) {
                byte[] got = conn.inputStream().readAllBytes();
                assertThat(got).isEqualTo(request);
                byte[] reversed = new byte[got.length];
                for (int i = 0; i < got.length; i++) {
                    reversed[i] = got[got.length - 1 - i];
                }
                conn.outputStream().write(reversed);
                conn.shutdownOutput();
                assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(reversed);
            }
        }
    }

    @Test
    void connectsToTheJdksServerAndSaysWhenNothingListens() throws Exception {
        Path path = dir.resolve("c.sock");
        assertThatThrownBy(() -> UnixSocket.connect(path.toString())).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("connect " + path);
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (UnixSocket client = UnixSocket.connect(path.toString()); SocketChannel peer = server.accept()) {
                client.outputStream().write("ping".getBytes());
                ByteBuffer b = ByteBuffer.allocate(4);
                while (b.hasRemaining()) {
                    peer.read(b);
                }
                assertThat(new String(b.array())).isEqualTo("ping");
            }
        }
    }

    @Test
    void shutdownWakesABlockedAcceptAndABlockedRead() throws Exception {
        String path = dir.resolve("w.sock").toString();
        try (UnixSocket listener = UnixSocket.listen(path, 4)) {
            CompletableFuture<Integer> accepting = CompletableFuture.supplyAsync(() -> {
                try {
                    listener.accept().close();
                    return 0;
                } catch (ErrnoException e) {
                    return e.errno();
                }
            });
            Thread.sleep(200);
            assertThat(accepting).isNotDone();
            listener.shutdown();
            assertThat(accepting.get(10, TimeUnit.SECONDS)).isEqualTo(Errno.EINVAL);
        }
        String path2 = dir.resolve("r.sock").toString();
        try (UnixSocket listener = UnixSocket.listen(path2, 4);
             UnixSocket client = UnixSocket.connect(path2);
             UnixSocket conn = listener.accept()) {
            InputStream in = conn.inputStream();
            CompletableFuture<Integer> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200);
            assertThat(reading).isNotDone();
            conn.shutdown();
            assertThat(reading.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
        }
    }

    @Test
    void writingToAPeerThatLeftIsAnErrorNotASignal() throws Exception {
        String path = dir.resolve("p.sock").toString();
        try (UnixSocket listener = UnixSocket.listen(path, 4); UnixSocket client = UnixSocket.connect(path)) {
            listener.accept().close();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    client.write(new byte[4096], 0, 4096);
                }
            }).isInstanceOf(ErrnoException.class).satisfies(e -> assertThat(((ErrnoException) e).errno())
                    .isIn(Errno.EPIPE, Errno.ECONNRESET));
        }
    }

    @Test
    void badPathsAndATakenOneAreRefused() throws Exception {
        assertThatThrownBy(() -> UnixSocket.listen("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnixSocket.listen("/tmp/" + "x".repeat(120), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 107 bytes");
        String path = dir.resolve("t.sock").toString();
        try (UnixSocket first = UnixSocket.listen(path, 1)) {
            assertThatThrownBy(() -> UnixSocket.listen(path, 1)).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EADDRINUSE));
        }
    }
}
