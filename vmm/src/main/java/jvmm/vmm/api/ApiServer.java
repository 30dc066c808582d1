package jvmm.vmm.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The control API's transport: HTTP/1.1 on a Unix domain socket, served by Jetty's Unix-domain
 * connector on a small thread pool; every request goes to the {@link ApiRouter}. Bodies are
 * capped at 64 KiB. The socket file is removed on close.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ApiServer.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private final Server server;
    private final Path socket;

    private ApiServer(Server server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /**
     * Listens on {@code socket}, which must not exist yet (a stale one left by a VMM that is gone
     * is replaced).
     *
     * @throws IOException when the socket can't be created
     */
    public static ApiServer start(Path socket, ApiRouter router) throws IOException {
        if (Files.exists(socket)) {
            if (inUse(socket)) {
                throw new IOException("another process is listening on " + socket);
            }
            Files.delete(socket);
        }
        // Jetty pads its lock-free queues to a cache line, and asks the platform MBean server
        // whether references are compressed unless told: that starts JMX (and registers JFR's
        // MBeans), ~280 classes and ~4 MiB for one int. Ours are: the heap is far below 32 GiB.
        System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE,
                System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16"));
        QueuedThreadPool pool = new QueuedThreadPool(4, 1);
        pool.setName("api");
        pool.setDaemon(true);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = readBody(request);
                ApiRouter.Reply reply = body == null
                        ? new ApiRouter.Reply(413, "{\"fault_message\":\"request body larger than 64 KiB\"}")
                        : router.handle(request.getMethod(), request.getHttpURI().getPath(), body);
                response.setStatus(reply.status());
                if (reply.json().isEmpty()) {
                    callback.succeeded();
                } else {
                    byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
                    response.write(true, ByteBuffer.wrap(bytes), callback);
                }
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IOException("can't serve the API on %s: %s".formatted(socket, e.getMessage()), e);
        }
        LOG.info("API listening on {}", socket);
        return new ApiServer(server, socket);
    }

    /** The body as text, or null when it is larger than allowed. */
    private static String readBody(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > MAX_BODY) {
            return null;
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        return body.length() > MAX_BODY ? null : body;
    }

    private static boolean inUse(Path socket) {
        try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the API server: {}", e.toString());
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", socket, e.toString());
        }
    }
}
