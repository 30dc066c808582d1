package jvmm.kvm.sys;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A TAP network interface opened through /dev/net/tun (linux/if_tun.h): Ethernet frames, no
 * packet-information prefix, each frame preceded by a virtio-net header
 * ({@code IFF_TAP | IFF_NO_PI | IFF_VNET_HDR}). The descriptor is non-blocking: a read with no
 * frame waiting fails with EAGAIN, and epoll reports when one arrives.
 *
 * <p>One read returns one frame. The kernel reports the frame's whole length even when the
 * buffers were too small for it (the tail is then lost), so a result larger than the buffers
 * means "truncated". One write sends one frame.
 */
public final class Tap implements AutoCloseable {
    public static final long TUNSETIFF = 0x400454CAL;
    public static final long TUNSETOFFLOAD = 0x400454D0L;
    public static final long TUNSETVNETHDRSZ = 0x400454D8L;

    public static final int IFNAMSIZ = 16;
    public static final int IFF_TAP = 0x0002;
    public static final int IFF_NO_PI = 0x1000;
    public static final int IFF_VNET_HDR = 0x4000;

    /** TUNSETOFFLOAD bits: what the reader accepts in frames it reads (partial checksums, TSO). */
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;

    private static final String TUN = "/dev/net/tun";
    private static final long IFR_NAME = LibcLayouts.IFREQ.byteOffset(groupElement("ifr_name"));
    private static final long IFR_FLAGS = LibcLayouts.IFREQ.byteOffset(groupElement("ifr_flags"));

    private final Fd fd;
    private final String name;

    private Tap(Fd fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Attaches to TAP interface {@code name} with a vnet header of {@code vnetHeaderSize} bytes
     * (12 for virtio 1.x). If no interface of that name exists and the caller may create one
     * (CAP_NET_ADMIN), the kernel creates a transient one that vanishes on close; callers that
     * want an existing interface check for it first. Names may hold a {@code %d} the kernel
     * fills in; {@link #name()} tells the result.
     */
    public static Tap open(String name, int vnetHeaderSize) throws ErrnoException {
        byte[] raw = name.getBytes(StandardCharsets.US_ASCII);
        if (raw.length == 0 || raw.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '%s' must be 1 to %d characters"
                    .formatted(name, IFNAMSIZ - 1));
        }
        Fd fd = Libc.open(TUN, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        try {
            MemorySegment ifreq = Native.scratch().asSlice(0, LibcLayouts.IFREQ.byteSize());
            ifreq.fill((byte) 0);
            MemorySegment.copy(raw, 0, ifreq, JAVA_BYTE, IFR_NAME, raw.length);
            ifreq.set(JAVA_SHORT, IFR_FLAGS, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
            Ioctl.call(fd.get(), TUNSETIFF, ifreq, "TUNSETIFF " + name);
            String actual = ifreq.getString(IFR_NAME, StandardCharsets.US_ASCII);
            MemorySegment size = Native.scratch().asSlice(0, 4);
            size.set(JAVA_INT, 0, vnetHeaderSize);
            Ioctl.call(fd.get(), TUNSETVNETHDRSZ, size, "TUNSETVNETHDRSZ " + vnetHeaderSize);
            return new Tap(fd, actual);
        } catch (ErrnoException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The interface name the kernel attached us to. */
    public String name() {
        return name;
    }

    /** The descriptor, for epoll and for readv/writev. */
    public int fd() {
        return fd.get();
    }

    /**
     * TUNSETOFFLOAD: which {@code TUN_F_*} frames the kernel may hand us (0: only complete,
     * checksummed frames no bigger than the MTU).
     */
    public void setOffload(int flags) throws ErrnoException {
        Ioctl.call(fd.get(), TUNSETOFFLOAD, flags, "TUNSETOFFLOAD 0x" + Integer.toHexString(flags));
    }

    /** Reads one frame (vnet header first) into {@code buffers}; see the class comment on lengths. */
    public long read(MemorySegment... buffers) throws ErrnoException {
        return Libc.readv(fd.get(), buffers);
    }

    /**
     * Reads one frame into entries {@code [first, first + count)} of {@code iov}, or returns -1
     * when no frame is waiting (no exception for that: it ends every receive batch).
     */
    public long read(Iovecs iov, int first, int count) throws ErrnoException {
        return Libc.readv(fd.get(), iov, first, count);
    }

    /** Writes one frame (vnet header first) gathered from {@code buffers}. */
    public long write(MemorySegment... buffers) throws ErrnoException {
        return Libc.writev(fd.get(), buffers);
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "Tap[" + name + ", " + fd + "]";
    }
}
