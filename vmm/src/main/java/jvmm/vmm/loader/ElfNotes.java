package jvmm.vmm.loader;

import static jvmm.vmm.loader.LeBytes.u32;
import static jvmm.vmm.loader.LeBytes.u64;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;

/**
 * Walks the notes of one ELF PT_NOTE segment (Elf64_Nhdr: namesz, descsz, type, then the name and
 * the descriptor, each padded to 4 bytes). Notes are optional extras here, so a malformed one ends
 * the walk instead of failing the load.
 */
final class ElfNotes {

    private static final int NHDR_SIZE = 12;

    private ElfNotes() {}

    /**
     * The value of the first note called {@code name} with type {@code type} whose descriptor is a
     * 4- or 8-byte address, within {@code image[offset, offset + size)} (already bounds-checked).
     */
    static Optional<GuestAddress> find(MemorySegment image, int offset, int size, String name, int type) {
        byte[] wanted = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        long pos = offset;
        long end = (long) offset + size;
        while (pos + NHDR_SIZE <= end) {
            long namesz = u32(image, pos);
            long descsz = u32(image, pos + 4);
            long noteType = u32(image, pos + 8);
            long nameAt = pos + NHDR_SIZE;
            long descAt = nameAt + align4(namesz);
            long next = descAt + align4(descsz);
            if (next > end) {
                return Optional.empty();
            }
            if (noteType == type && namesz == wanted.length
                    && MemorySegment.mismatch(image, nameAt, nameAt + wanted.length,
                            MemorySegment.ofArray(wanted), 0, wanted.length) == -1) {
                if (descsz == 4) {
                    return Optional.of(GuestAddress.of(u32(image, descAt)));
                }
                if (descsz == 8) {
                    return Optional.of(GuestAddress.of(u64(image, descAt)));
                }
            }
            pos = next;
        }
        return Optional.empty();
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
