package jvmm.kvm.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A Unix-domain stream socket through system calls: listen, accept, connect, blocking reads and
 * writes, shutdown. What the VMM's control API serves on. NIO's socket channels do the same, but
 * their first use brings ~130 classes into the VMM (the selector provider, the channel
 * implementations, and SecureRandom with the security providers, which NIO uses to name
 * temporary socket files), for a socket that carries a few small requests.
 *
 * <p>Blocking calls are woken by {@link #shutdown()} from another thread: accept then fails with
 * EINVAL and reads see the end of the stream. The descriptor is closed by {@link #close()},
 * which the thread using the socket calls once it is done with it, so that no thread ever
 * calls into a descriptor number the kernel may have handed to another file.
 *
 * <p>Reads and writes go through the calling thread's scratch buffer, up to
 * {@value Native#SCRATCH_BYTES} bytes per call.
 */
public final class UnixSocket implements AutoCloseable {

    /** {@code sizeof(sun_path)}: a path's bytes plus the terminating NUL must fit. */
    static final int SUN_PATH_BYTES = 108;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;
    private static final int MSG_NOSIGNAL = 0x4000;

    private final Fd fd;

    private UnixSocket(Fd fd) {
        this.fd = fd;
    }

    /**
     * A socket bound to {@code path} (which must not exist) and listening.
     *
     * @throws ErrnoException when the socket can't be made, bound or listened on
     * @throws IllegalArgumentException when {@code path} is empty or longer than a socket address holds
     */
    public static UnixSocket listen(String path, int backlog) throws ErrnoException {
        UnixSocket socket = open(path);
        try {
            socket.callWithAddress(SyscallNumbers.BIND, path, "bind " + path);
            Native.check(Native.syscall(SyscallNumbers.LISTEN, socket.fd.get(), backlog), "listen " + path);
            return socket;
        } catch (ErrnoException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A socket connected to the one listening on {@code path}.
     *
     * @throws ErrnoException when nothing listens there (ECONNREFUSED, ENOENT) or the connect fails
     */
    public static UnixSocket connect(String path) throws ErrnoException {
        UnixSocket socket = open(path);
        try {
            while (true) {
                try {
                    socket.callWithAddress(SyscallNumbers.CONNECT, path, "connect " + path);
                    return socket;
                } catch (ErrnoException e) {
                    if (!e.is(Errno.EINTR)) {
                        throw e;
                    }
                }
            }
        } catch (ErrnoException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static UnixSocket open(String path) throws ErrnoException {
        addressBytes(path); // a bad path fails before a descriptor exists
        long sock = Native.syscall(SyscallNumbers.SOCKET, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        return new UnixSocket(Fd.adopt((int) Native.check(sock, "socket AF_UNIX"), path));
    }

    private static byte[] addressBytes(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= SUN_PATH_BYTES) {
            throw new IllegalArgumentException("a Unix socket path must be 1 to %d bytes long; '%s' is %d"
                    .formatted(SUN_PATH_BYTES - 1, path, bytes.length));
        }
        return bytes;
    }

    /** bind or connect: {@code (fd, struct sockaddr_un *, socklen_t)}, the address in the scratch buffer. */
    private void callWithAddress(long call, String path, String what) throws ErrnoException {
        byte[] bytes = addressBytes(path);
        MemorySegment address = Native.scratch();
        address.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(bytes, 0, address, JAVA_BYTE, 2, bytes.length);
        address.set(JAVA_BYTE, 2 + bytes.length, (byte) 0);
        Native.check(Native.syscall(call, fd.get(), Native.address(address), 2 + bytes.length + 1), what);
    }

    /**
     * Waits for a connection and returns it. A connection that was reset before it was taken
     * (ECONNABORTED) and an interrupted wait (EINTR) are waited past.
     *
     * @throws ErrnoException EINVAL once {@link #shutdown()} ran; EMFILE and the like as the kernel says
     */
    public UnixSocket accept() throws ErrnoException {
        while (true) {
            long conn = Native.syscall(SyscallNumbers.ACCEPT4, fd.get(), 0, 0, Libc.SOCK_CLOEXEC);
            if (conn >= 0) {
                return new UnixSocket(Fd.adopt((int) conn, fd.what() + " connection"));
            }
            int errno = Native.lastErrno();
            if (errno != Errno.EINTR && errno != Errno.ECONNABORTED) {
                throw new ErrnoException("accept on " + fd.what(), errno);
            }
        }
    }

    /** Reads up to {@code length} bytes (at most the scratch buffer's), waiting for some; -1 at the end of the stream. */
    public int read(byte[] into, int offset, int length) throws ErrnoException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        MemorySegment buffer = Native.scratch();
        long n;
        do {
            n = Native.syscall(SyscallNumbers.READ, fd.get(), Native.address(buffer), Math.min(length, buffer.byteSize()));
        } while (n < 0 && Native.lastErrno() == Errno.EINTR);
        Native.check(n, "read from " + fd.what());
        Reference.reachabilityFence(buffer);
        if (n == 0) {
            return -1;
        }
        MemorySegment.copy(buffer, JAVA_BYTE, 0, into, offset, (int) n);
        return (int) n;
    }

    /** Writes all of {@code length} bytes, waiting for room as needed. */
    public void write(byte[] from, int offset, int length) throws ErrnoException {
        Objects.checkFromIndexSize(offset, length, from.length);
        MemorySegment buffer = Native.scratch();
        int done = 0;
        while (done < length) {
            int chunk = (int) Math.min(length - done, buffer.byteSize());
            MemorySegment.copy(from, offset + done, buffer, JAVA_BYTE, 0, chunk);
            // MSG_NOSIGNAL: a peer that went away is EPIPE here, not a SIGPIPE for the process.
            long n = Native.syscall(SyscallNumbers.SENDTO, fd.get(), Native.address(buffer), chunk, MSG_NOSIGNAL, 0, 0);
            if (n < 0 && Native.lastErrno() == Errno.EINTR) {
                continue;
            }
            done += (int) Native.check(n, "write to " + fd.what());
        }
        Reference.reachabilityFence(buffer);
    }

    /** Ends this side's sending: the peer reads the end of the stream; reading goes on. */
    public void shutdownOutput() throws ErrnoException {
        Native.check(Native.syscall(SyscallNumbers.SHUTDOWN, fd.get(), SHUT_WR), "shutdown of " + fd.what());
    }

    /**
     * Ends both directions, from any thread: a thread blocked in {@link #accept()} fails with
     * EINVAL, one blocked in {@link #read} sees the end of the stream. Harmless once closed or
     * shut down; the descriptor stays open until {@link #close()}.
     */
    public synchronized void shutdown() {
        // Synchronized with close(): the number must not be closed, and maybe reused for another
        // file, between reading it here and the shutdown call.
        if (!fd.isClosed()) {
            Native.syscall(SyscallNumbers.SHUTDOWN, fd.get(), SHUT_RDWR);
        }
    }

    /** This socket's bytes as a stream; its read(byte[]) returns at most one scratch buffer's worth. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return UnixSocket.this.read(b, off, len);
                } catch (ErrnoException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /** A stream that writes straight to this socket (no buffering: each write is a system call). */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    UnixSocket.this.write(b, off, len);
                } catch (ErrnoException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public synchronized void close() {
        fd.close();
    }
}
