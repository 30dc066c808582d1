package jvmm.virtio.net;

import java.lang.foreign.MemorySegment;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Iovecs;
import jvmm.kvm.sys.Tap;

/** A {@link NetBackend} on a TAP interface opened with a 12-byte vnet header. */
public final class TapBackend implements NetBackend {

    private final Tap tap;

    private TapBackend(Tap tap) {
        this.tap = tap;
    }

    /** Attaches to TAP interface {@code name} (see {@link Tap#open} on interfaces that don't exist yet). */
    public static TapBackend open(String name) throws ErrnoException {
        return new TapBackend(Tap.open(name, VirtioNet.HEADER_SIZE));
    }

    public String interfaceName() {
        return tap.name();
    }

    @Override
    public int fd() {
        return tap.fd();
    }

    @Override
    public long receive(Iovecs iov, int first, int count) throws ErrnoException {
        return tap.read(iov, first, count);
    }

    @Override
    public void send(MemorySegment[] buffers) throws ErrnoException {
        tap.write(buffers);
    }

    @Override
    public void setOffload(int tunFlags) throws ErrnoException {
        tap.setOffload(tunFlags);
    }

    @Override
    public void close() {
        tap.close();
    }

    @Override
    public String toString() {
        return "tap " + tap.name();
    }
}
