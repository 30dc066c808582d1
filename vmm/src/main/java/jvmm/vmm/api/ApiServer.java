package jvmm.vmm.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.UnixSocket;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The control API's transport: HTTP/1.1 on a Unix domain socket, every request handed to the
 * {@link ApiRouter}. A server of our own, as Firecracker has its micro_http: the API is a few
 * small JSON requests from one client at a time, which needs no more than this (Jetty's ~360
 * classes and five threads were ~5 MiB of an idle API server's RSS).
 *
 * <p>What it speaks: persistent connections (HTTP/1.1's default; {@code Connection: close} and
 * HTTP/1.0 end one after its answer), bodies framed by {@code Content-Length} of at most 64
 * KiB (413 beyond, without reading it), {@code Expect: 100-continue}, and a clear 4xx or 5xx
 * for what it does not (chunked bodies 411, other versions 505, a malformed request 400, a
 * header block over 8 KiB 431); after an error about framing the connection is closed, as the
 * rest of its bytes can't be trusted. One thread per connection, at most {@value #MAX_CONNECTIONS}
 * at once (more are answered 503 and closed), so a request that waits (InstanceStart waits for
 * the VM to be created) holds up no other client. The socket file is removed on close.
 *
 * <p>The socket is kvm-bindings' {@link UnixSocket}, system calls of our own, not NIO's
 * socket channels, whose first use loads ~130 classes (SecureRandom and the security providers
 * among them) into a VMM that serves a handful of requests. Each socket is closed by the
 * thread that uses it; {@link #close()} shuts them down, which wakes those threads.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ApiServer.class);
    static final int MAX_BODY = 64 * 1024;
    static final int MAX_HEAD = 8 * 1024;
    static final int MAX_CONNECTIONS = 16;
    private static final long MAX_DRAIN = 16 << 20;

    private final UnixSocket listener;
    private final Path socket;
    private final ApiRouter router;
    private final Set<UnixSocket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ApiServer(UnixSocket listener, Path socket, ApiRouter router) {
        this.listener = listener;
        this.socket = socket;
        this.router = router;
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
        UnixSocket listener;
        try {
            listener = UnixSocket.listen(socket.toString(), MAX_CONNECTIONS);
        } catch (ErrnoException | IllegalArgumentException e) {
            throw new IOException("can't serve the API on " + socket + ": " + e.getMessage(), e);
        }
        ApiServer server = new ApiServer(listener, socket, router);
        Thread.ofPlatform().daemon().name("api").start(server::accept);
        LOG.info("API listening on {}", socket);
        return server;
    }

    private void accept() {
        try (listener) {
            acceptUntilClosed();
        }
    }

    private void acceptUntilClosed() {
        boolean failing = false;
        while (!closed) {
            UnixSocket ch;
            try {
                ch = listener.accept();
            } catch (ErrnoException e) {
                if (closed || e.is(Errno.EINVAL)) { // EINVAL: close() shut the socket down
                    return;
                }
                // Say, the process is out of file descriptors for a while: the API must outlive
                // that, so it waits and accepts again (one line per run of failures).
                if (!failing) {
                    LOG.warn("API: accepting a connection failed, trying again: {}", e.getMessage());
                    failing = true;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            failing = false;
            if (connections.size() >= MAX_CONNECTIONS) {
                LOG.warn("API: {} connections are open; refusing another", MAX_CONNECTIONS);
                try (ch) {
                    respond(ch.outputStream(), ApiRouter.fault(503,
                            "too many open API connections (at most %d)".formatted(MAX_CONNECTIONS)), true, false);
                } catch (IOException ignored) {
                    // the client went away: nothing to tell it
                }
                continue;
            }
            connections.add(ch);
            Thread.ofPlatform().daemon().name("api-conn").start(() -> serve(ch));
        }
    }

    /** Requests on one connection until it ends: the client closes it, asks to, or breaks framing. */
    private void serve(UnixSocket ch) {
        try (ch) {
            InputStream in = new BufferedInputStream(ch.inputStream());
            OutputStream out = ch.outputStream();
            while (!closed) {
                Request request;
                try {
                    request = Request.read(in, out);
                } catch (EOFException end) {
                    return; // closed between requests, or mid-request: no one to answer
                } catch (BadRequest e) {
                    LOG.info("API: {} {}", e.status, e.getMessage());
                    respond(out, ApiRouter.fault(e.status, e.getMessage()), true, false);
                    finish(ch, in);
                    return;
                }
                ApiRouter.Reply reply = request.body() == null
                        ? ApiRouter.fault(413, "request body larger than 64 KiB")
                        : router.handle(request.method(), request.path(), request.body());
                boolean close = request.close() || request.body() == null;
                respond(out, reply, close, request.method().equals("HEAD"));
                if (close) {
                    finish(ch, in);
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("API connection: {}", e.toString());
            }
        } finally {
            connections.remove(ch);
        }
    }

    /**
     * Ends a connection after its last answer: the client sees the end of the stream, and what it
     * still sends is read and dropped until it closes its end (up to a bound). Closing with its
     * bytes unread would reset the connection, and the client could lose the answer.
     */
    private static void finish(UnixSocket ch, InputStream in) throws IOException {
        try {
            ch.shutdownOutput();
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
        long dropped = 0;
        while (dropped < MAX_DRAIN && in.read() >= 0) {
            dropped++;
        }
    }

    /** Writes {@code reply}; its body is left out for 204 and, though its length is sent, for HEAD. */
    private static void respond(OutputStream out, ApiRouter.Reply reply, boolean close, boolean head) throws IOException {
        byte[] body = reply.json().getBytes(StandardCharsets.UTF_8);
        StringBuilder lines = new StringBuilder(128).append("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(reason(reply.status())).append("\r\n");
        if (reply.status() != 204) {
            if (body.length > 0) {
                lines.append("Content-Type: application/json\r\n");
            }
            lines.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (close) {
            lines.append("Connection: close\r\n");
        }
        lines.append("\r\n");
        byte[] headBytes = lines.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + (reply.status() == 204 || head ? 0 : body.length)];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, all.length - headBytes.length);
        out.write(all);
        out.flush();
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    /** A request that can't be answered on its merits: the status to answer, and why. */
    static final class BadRequest extends IOException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * One request: method, path (without query), body (null when over {@link #MAX_BODY}: then
     * dropped unread, or never sent by a client that waited for 100 Continue) and whether the
     * connection ends after the answer.
     */
    record Request(String method, String path, String body, boolean close) {

        /** Reads one request; answers {@code 100 Continue} on {@code out} when the client waits for it. */
        static Request read(InputStream in, OutputStream out) throws IOException {
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String[] start = lines[0].split(" ", -1);
            if (start.length != 3 || start[0].isEmpty() || !start[1].startsWith("/")) {
                throw new BadRequest(400, "malformed request line '%s'".formatted(printable(lines[0])));
            }
            boolean http10 = start[2].equals("HTTP/1.0");
            if (!http10 && !start[2].equals("HTTP/1.1")) {
                throw new BadRequest(505, "HTTP version '%s' is not supported: HTTP/1.1 or HTTP/1.0".formatted(printable(start[2])));
            }
            long length = 0;
            boolean sawLength = false;
            boolean close = http10;
            boolean expectContinue = false;
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    throw new BadRequest(400, "malformed header line '%s'".formatted(printable(line)));
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        long l = parseLength(value);
                        if (sawLength && l != length) {
                            throw new BadRequest(400, "two different Content-Length headers");
                        }
                        sawLength = true;
                        length = l;
                    }
                    case "transfer-encoding" -> throw new BadRequest(411,
                            "Transfer-Encoding '%s' is not supported: send the body with Content-Length".formatted(printable(value)));
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        if (v.contains("close")) {
                            close = true;
                        } else if (v.contains("keep-alive")) {
                            close = false;
                        }
                    }
                    case "expect" -> {
                        if (!value.equalsIgnoreCase("100-continue")) {
                            throw new BadRequest(400, "Expect '%s' is not supported: only 100-continue".formatted(printable(value)));
                        }
                        expectContinue = !http10;
                    }
                    default -> { }
                }
            }
            String target = start[1];
            int query = target.indexOf('?');
            String path = query < 0 ? target : target.substring(0, query);
            if (length > MAX_BODY) {
                // A client that waits for 100 Continue sends nothing more; one that already sends
                // gets its body read and dropped (up to a bound), so that it sees the answer.
                if (!expectContinue && length <= MAX_DRAIN) {
                    in.skipNBytes(length);
                }
                return new Request(start[0], path, null, true);
            }
            if (expectContinue && length > 0) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("the body ended after %d of %d bytes".formatted(body.length, length));
            }
            return new Request(start[0], path, new String(body, StandardCharsets.UTF_8), close);
        }

        /** The request line and headers, up to the empty line (not included); bare LF ends lines too. */
        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream(256);
            int c;
            int lineLength = 0;
            boolean any = false;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    if (lineLength == 0) {
                        if (any) {
                            return head.toString(StandardCharsets.ISO_8859_1);
                        }
                        continue; // empty lines before a request are ignored (RFC 9112, 2.2)
                    }
                    head.write('\r');
                    head.write('\n');
                    lineLength = 0;
                    continue;
                }
                if (c == '\r') {
                    continue;
                }
                any = true;
                lineLength++;
                head.write(c);
                if (head.size() > MAX_HEAD) {
                    throw new BadRequest(431, "request line and headers larger than %d KiB".formatted(MAX_HEAD / 1024));
                }
            }
            throw new EOFException(any ? "the connection ended inside a request's headers" : "no more requests");
        }

        private static long parseLength(String value) throws BadRequest {
            if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new BadRequest(400, "Content-Length '%s' is not a number of bytes".formatted(printable(value)));
            }
            return Long.parseLong(value);
        }

        private static String printable(String s) {
            String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
            StringBuilder b = new StringBuilder(cut.length());
            for (char ch : cut.toCharArray()) {
                b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
            }
            return b.toString();
        }
    }

    private static boolean inUse(Path socket) {
        try (UnixSocket ch = UnixSocket.connect(socket.toString())) {
            return true;
        } catch (ErrnoException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        // Their threads close them once woken (accept fails, reads see the end).
        listener.shutdown();
        for (UnixSocket ch : connections) {
            ch.shutdown();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", socket, e.toString());
        }
    }
}
