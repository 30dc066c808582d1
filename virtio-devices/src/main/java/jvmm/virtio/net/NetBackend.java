package jvmm.virtio.net;

import java.lang.foreign.MemorySegment;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Iovecs;

/**
 * Where a virtio-net device's frames go and come from: a TAP ({@link TapBackend}) in the VMM, a
 * datagram socketpair in tests. Every frame starts with the 12-byte virtio_net_hdr_v1, and the
 * buffers are views of guest RAM, so the kernel copies straight between them and the network.
 * Used only on the queue thread.
 */
public interface NetBackend extends AutoCloseable {

    /** A non-blocking descriptor that polls readable while a frame is waiting. */
    int fd();

    /**
     * Reads one frame into the buffers of entries {@code [first, first + count)} of {@code iov},
     * in order.
     *
     * @return the frame's length, which exceeds the buffers' total when the frame did not fit
     *     (its tail is lost); -1 when no frame is waiting
     */
    long receive(Iovecs iov, int first, int count) throws ErrnoException;

    /** Sends one frame gathered from {@code buffers}. */
    void send(MemorySegment[] buffers) throws ErrnoException;

    /**
     * Which frames the backend may hand to {@link #receive}: a combination of the TUN_F_* bits
     * of {@link jvmm.kvm.sys.Tap} (partial checksums, TSO), as the driver negotiated them.
     */
    void setOffload(int tunFlags) throws ErrnoException;

    @Override
    void close();
}
