package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IovecsTest {

    @Test
    void aReadvFillsTheChosenRunOfEntriesInOrder() throws Exception {
        Fd[] pair = Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
        try (Fd a = pair[0]; Fd b = pair[1]; Arena arena = Arena.ofConfined()) {
            Iovecs iov = new Iovecs(4);
            MemorySegment skipped = arena.allocate(8);
            MemorySegment first = arena.allocate(3);
            MemorySegment second = arena.allocate(8);
            iov.set(0, skipped);
            iov.set(1, first);
            iov.set(2, second);
            Libc.write(a.get(), arena.allocateFrom(JAVA_BYTE, "hello".getBytes(US_ASCII)));

            long got = Libc.readv(b.get(), iov, 1, 2);

            assertThat(got).isEqualTo(5);
            assertThat(first.toArray(JAVA_BYTE)).containsExactly('h', 'e', 'l');
            assertThat(second.asSlice(0, 3).toArray(JAVA_BYTE)).containsExactly('l', 'o', 0);
            assertThat(skipped.get(JAVA_BYTE, 0)).isZero();
        }
    }

    @Test
    void anEmptyNonBlockingFdReadsAsMinusOneNotAnException() throws Exception {
        Fd[] pair = Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
        try (Fd a = pair[0]; Fd b = pair[1]; Arena arena = Arena.ofConfined()) {
            Iovecs iov = new Iovecs(1);
            iov.set(0, arena.allocate(16));

            assertThat(Libc.readv(b.get(), iov, 0, 1)).isEqualTo(-1);
        }
    }

    @Test
    void otherErrorsStillThrow() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Iovecs iov = new Iovecs(1);
            iov.set(0, arena.allocate(16));

            assertThatThrownBy(() -> Libc.readv(-1, iov, 0, 1))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.is(Errno.EBADF)).isTrue());
        }
    }

    @Test
    void movedEntriesKeepTheirLengthsAndRunsAreBoundsChecked() {
        try (Arena arena = Arena.ofConfined()) {
            Iovecs iov = new Iovecs(4);
            iov.set(2, arena.allocate(10));
            iov.set(3, arena.allocate(20));

            iov.move(2, 0, 2);

            assertThat(iov.length(0)).isEqualTo(10);
            assertThat(iov.length(1)).isEqualTo(20);
            assertThatThrownBy(() -> iov.move(3, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> iov.set(4, arena.allocate(1))).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> iov.set(0, MemorySegment.ofArray(new byte[4])))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
