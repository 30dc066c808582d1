package jvmm.vmm.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jvmm.virtio.memory.SegmentGuestMemory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Kernel files are user input: whatever bytes a header holds, the loader either loads the image
 * inside guest RAM or fails with a {@link KernelLoadException}; no other exception escapes.
 */
class CorruptImagePropertyTest {

    private static final long RAM = 32L << 20;

    private Arena arena;
    private SegmentGuestMemory memory;
    private Path file;

    /** One guest RAM and one file for all tries: the loader overwrites what it uses. */
    @BeforeProperty
    void allocate() throws IOException {
        arena = Arena.ofConfined();
        memory = SegmentGuestMemory.allocate(arena, RAM);
        file = Files.createTempFile("kernel", ".img");
    }

    @AfterProperty
    void free() throws IOException {
        arena.close();
        Files.delete(file);
    }

    @Property(tries = 300)
    void corruptBzImageHeadersLoadOrFailWithAReason(@ForAll("headerEdits") List<Tuple2<Integer, Byte>> edits)
            throws IOException {
        checkLoadsOrFails(edit(TestImages.bzImage().build(), edits, 0x300));
    }

    @Property(tries = 300)
    void corruptElfHeadersLoadOrFailWithAReason(@ForAll("headerEdits") List<Tuple2<Integer, Byte>> edits)
            throws IOException {
        byte[] notes = TestImages.note("Xen", 18, TestImages.le32(0x100_0000));
        checkLoadsOrFails(edit(TestImages.vmlinux().note(notes).build(), edits, 64 + 3 * 56 + notes.length));
    }

    @Provide
    Arbitrary<List<Tuple2<Integer, Byte>>> headerEdits() {
        Arbitrary<Tuple2<Integer, Byte>> edit = Combinators.combine(
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 0, (byte) 0xff, (byte) 0x80)))
                .as(Tuple::of);
        return edit.list().ofMinSize(1).ofMaxSize(6);
    }

    private static byte[] edit(byte[] image, List<Tuple2<Integer, Byte>> edits, int headerLength) {
        byte[] copy = image.clone();
        for (var e : edits) {
            copy[e.get1() % Math.min(headerLength, copy.length)] = e.get2();
        }
        return copy;
    }

    private void checkLoadsOrFails(byte[] image) throws IOException {
        Files.write(file, image);
        var request = new BootRequest(file, Optional.empty(), "console=ttyS0", RAM, Optional.empty());
        try {
            LoadedKernel k = KernelLoader.load(memory, request);
            assertThat(k.kernelEnd().value()).isLessThanOrEqualTo(RAM);
            assertThat(k.kernelStart().value()).isGreaterThanOrEqualTo(0x10_0000);
        } catch (KernelLoadException e) {
            assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
        }
    }
}
