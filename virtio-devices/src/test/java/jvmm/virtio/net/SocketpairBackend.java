package jvmm.virtio.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Fd;
import jvmm.kvm.sys.Iovecs;
import jvmm.kvm.sys.Libc;

/**
 * A {@link NetBackend} on one end of a non-blocking AF_UNIX datagram socketpair, which keeps
 * frame boundaries like a TAP; the test plays the network on the other end ({@link #inject},
 * {@link #takeSent}). Like a TAP, {@link #receive} reports a frame's whole length when it did
 * not fit (FIONREAD gives the size of the next datagram before it is read).
 */
final class SocketpairBackend implements NetBackend {

    private final Fd device;
    private final Fd peer;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment peerBuffer = arena.allocate(70_000);
    volatile int offload = -1;

    SocketpairBackend() throws ErrnoException {
        Fd[] pair = Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
        device = pair[0];
        peer = pair[1];
    }

    @Override
    public int fd() {
        return device.get();
    }

    @Override
    public long receive(Iovecs iov, int first, int count) throws ErrnoException {
        int next = Libc.readableBytes(device.get());
        long read = Libc.readv(device.get(), iov, first, count);
        return read < 0 ? -1 : Math.max(next, read);
    }

    @Override
    public void send(MemorySegment[] buffers) throws ErrnoException {
        Libc.writev(device.get(), buffers);
    }

    @Override
    public void setOffload(int tunFlags) {
        offload = tunFlags;
    }

    /** The network sends {@code frame} (header included) towards the guest. */
    void inject(byte[] frame) throws ErrnoException {
        MemorySegment.copy(frame, 0, peerBuffer, JAVA_BYTE, 0, frame.length);
        Libc.write(peer.get(), peerBuffer.asSlice(0, frame.length));
    }

    /** The next frame the guest sent, or null if none is waiting. */
    byte[] takeSent() throws ErrnoException {
        try {
            long n = Libc.read(peer.get(), peerBuffer);
            return peerBuffer.asSlice(0, n).toArray(JAVA_BYTE);
        } catch (ErrnoException e) {
            if (e.is(Errno.EAGAIN)) {
                return null;
            }
            throw e;
        }
    }

    /** Bytes of the next frame still waiting for the device (0: none). */
    int waitingForDevice() throws ErrnoException {
        return Libc.readableBytes(device.get());
    }

    @Override
    public void close() {
        device.close();
        peer.close();
        arena.close();
    }

    @Override
    public String toString() {
        return "socketpair";
    }
}
