package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real transient TAP (needs CAP_NET_ADMIN) and a datagram socketpair, the two virtio-net backends. */
class TapTest {

    private static Tap openTransient() throws ErrnoException {
        try {
            return Tap.open("jvmmt%d", 12);
        } catch (ErrnoException e) {
            assumeTrue(!e.is(Errno.EPERM) && !e.is(Errno.EACCES) && !e.is(Errno.ENOENT),
                    "no permission to create a TAP: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void aTapIsCreatedWithTheVnetHeaderFlagsAndVanishesOnClose() throws Exception {
        String name;
        try (Tap tap = openTransient()) {
            name = tap.name();
            Path flags = Path.of("/sys/class/net", name, "tun_flags");

            assertThat(name).matches("jvmmt\\d+");
            assertThat(Integer.decode(Files.readString(flags).trim()))
                    .isEqualTo(Tap.IFF_TAP | Tap.IFF_NO_PI | Tap.IFF_VNET_HDR);
            tap.setOffload(Tap.TUN_F_CSUM | Tap.TUN_F_TSO4 | Tap.TUN_F_TSO6);
            tap.setOffload(0);
        }
        assertThat(Path.of("/sys/class/net", name)).doesNotExist();
    }

    @Test
    void readingAnIdleTapWouldBlock() throws Exception {
        try (Tap tap = openTransient(); Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(2048);

            assertThatThrownBy(() -> tap.read(buffer))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.is(Errno.EAGAIN)).isTrue());
        }
    }

    @Test
    void readingAnIdleTapIntoIovecsReturnsMinusOne() throws Exception {
        try (Tap tap = openTransient(); Arena arena = Arena.ofConfined()) {
            Iovecs iov = new Iovecs(2);
            iov.set(0, arena.allocate(2048));

            assertThat(tap.read(iov, 0, 1)).isEqualTo(-1);
        }
    }

    @Test
    void badInterfaceNamesAreRefusedBeforeAnySystemCall() {
        assertThatThrownBy(() -> Tap.open("", 12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tap.open("a-name-far-too-long", 12))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 15");
    }

    @Test
    void aDatagramSocketpairKeepsFrameBoundariesAndReportsTheNextSize() throws Exception {
        Fd[] pair = Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
        try (Fd a = pair[0]; Fd b = pair[1]; Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(100).fill((byte) 7);
            Libc.write(a.get(), frame);
            Libc.write(a.get(), frame.asSlice(0, 10));

            int next = Libc.readableBytes(b.get());
            long got = Libc.readv(b.get(), arena.allocate(30), arena.allocate(30));
            int after = Libc.readableBytes(b.get());

            assertThat(next).isEqualTo(100);
            assertThat(got).as("a short read truncates the datagram").isEqualTo(60);
            assertThat(after).isEqualTo(10);
            assertThatThrownBy(() -> {
                Libc.read(b.get(), arena.allocate(64));
                Libc.read(b.get(), arena.allocate(64));
            }).isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.is(Errno.EAGAIN)).isTrue());
        }
    }
}
