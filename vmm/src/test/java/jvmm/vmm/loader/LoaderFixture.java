package jvmm.vmm.loader;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Guest RAM from an Arena plus a temp directory for kernel files: what every loader test needs. */
abstract class LoaderFixture {

    static final long RAM = 32L << 20;
    static final String CMDLINE = "console=ttyS0 panic=1";
    static final GuestAddress RSDP = GuestAddress.of(0xe0000);

    @TempDir
    Path dir;
    Arena arena;
    SegmentGuestMemory memory;

    /** Guest RAM for this test class: {@link #RAM} unless a class needs more. */
    long ramSize() {
        return RAM;
    }

    @BeforeEach
    void allocate() {
        arena = Arena.ofConfined();
        memory = SegmentGuestMemory.allocate(arena, ramSize());
    }

    @AfterEach
    void free() {
        arena.close();
    }

    Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    BootRequest request(Path kernel) {
        return new BootRequest(kernel, Optional.empty(), CMDLINE, ramSize(), Optional.of(RSDP));
    }

    LoadedKernel load(byte[] kernel) throws IOException, KernelLoadException {
        return KernelLoader.load(memory, request(file("kernel", kernel)));
    }

    byte[] guestBytes(GuestAddress at, int length) {
        byte[] out = new byte[length];
        memory.read(at, out, 0, length);
        return out;
    }
}
