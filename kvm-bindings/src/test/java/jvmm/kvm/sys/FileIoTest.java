package jvmm.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileIoTest {
    @TempDir
    Path dir;

    @Test
    void pwritevScattersAndPreadvGathersAtAnOffset() throws Exception {
        Path file = dir.resolve("disk.img");
        try (Arena arena = Arena.ofConfined();
             Fd fd = Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600)) {
            MemorySegment a = arena.allocateFrom("hello ");
            MemorySegment b = arena.allocateFrom("virtio");
            MemorySegment head = a.asSlice(0, 6);
            MemorySegment tail = b.asSlice(0, 6);

            long written = Libc.pwritev(fd.get(), 512, head, tail);
            MemorySegment first = arena.allocate(4);
            MemorySegment second = arena.allocate(8);
            long read = Libc.preadv(fd.get(), 512, first, second);

            assertThat(written).isEqualTo(12);
            assertThat(read).isEqualTo(12);
            assertThat(new String(first.toArray(JAVA_BYTE))).isEqualTo("hell");
            assertThat(new String(second.toArray(JAVA_BYTE))).isEqualTo("o virtio");
            assertThat(Libc.size(fd.get())).isEqualTo(524);
        }
        assertThat(Files.size(file)).isEqualTo(524);
    }

    @Test
    void manyIovecsSpillOutOfTheScratchBuffer() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd fd = Libc.open(dir.resolve("many").toString(), Libc.O_RDWR | Libc.O_CREAT, 0600)) {
            MemorySegment[] buffers = new MemorySegment[200];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = arena.allocate(1);
                buffers[i].set(JAVA_BYTE, 0, (byte) i);
            }
            assertThat(Libc.writev(fd.get(), buffers)).isEqualTo(200);
            MemorySegment back = arena.allocate(200);

            assertThat(Libc.pread(fd.get(), back, 0)).isEqualTo(200);
            assertThat(back.get(JAVA_BYTE, 199)).isEqualTo((byte) 199);
        }
    }

    @Test
    void punchHoleZeroesTheRangeAndTruncateResizes() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd fd = Libc.open(dir.resolve("sparse").toString(), Libc.O_RDWR | Libc.O_CREAT, 0600)) {
            MemorySegment data = arena.allocate(8192).fill((byte) 0x5a);
            Libc.pwrite(fd.get(), data, 0);
            Libc.fdatasync(fd.get());

            Libc.fallocate(fd.get(), Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, 0, 4096);
            MemorySegment back = arena.allocate(8192);
            Libc.pread(fd.get(), back, 0);
            Libc.ftruncate(fd.get(), 100);

            assertThat(back.get(JAVA_BYTE, 0)).isZero();
            assertThat(back.get(JAVA_BYTE, 4095)).isZero();
            assertThat(back.get(JAVA_BYTE, 4096)).isEqualTo((byte) 0x5a);
            assertThat(Libc.size(fd.get())).isEqualTo(100);
        }
    }

    @Test
    void heapSegmentsAreRefusedForVectoredIo() throws Exception {
        try (Fd fd = Libc.open(dir.resolve("heap").toString(), Libc.O_RDWR | Libc.O_CREAT, 0600)) {
            assertThatThrownBy(() -> Libc.pwritev(fd.get(), 0, MemorySegment.ofArray(new byte[4])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap");
        }
    }

    @Test
    void aClosedFdCannotBeUsedAgain() throws Exception {
        Fd fd = Libc.open("/dev/null", Libc.O_RDONLY, 0);
        fd.close();
        fd.close();

        assertThat(fd.isClosed()).isTrue();
        assertThatThrownBy(fd::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("/dev/null");
    }
}
