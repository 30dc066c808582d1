package jvmm.vmm.loader;

import static jvmm.vmm.loader.LeBytes.u16;
import static jvmm.vmm.loader.LeBytes.u32;
import static jvmm.vmm.loader.LeBytes.u64;
import static jvmm.vmm.loader.LeBytes.u8;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.vmm.arch.x86.BootParams;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.loader.KernelLoadException.Reason;

/**
 * Loads an uncompressed ELF64 vmlinux: every PT_LOAD segment goes to its physical address
 * (p_paddr), the entry is e_entry (a physical address in an x86 vmlinux, startup_64), and a
 * XEN_ELFNOTE_PHYS32_ENTRY note, if there is one, is reported as the PVH entry. There is no setup
 * header, so the zero page gets only the magic values and what the loader fills in.
 *
 * <p>All headers are checked before any segment is copied.
 */
final class ElfKernel {

    static final int EHDR_SIZE = 64;
    static final int PHDR_SIZE = 56;
    static final int ELFCLASS64 = 2;
    static final int ELFDATA2LSB = 1;
    static final int EM_X86_64 = 62;
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    /** x86 COMMAND_LINE_SIZE (2048) minus the NUL: what a vmlinux takes without a setup header. */
    static final int CMDLINE_LIMIT = 2047;
    /** The initrd limit of current bzImages; a vmlinux has no header to say otherwise. */
    static final long INITRD_ADDR_MAX = 0x7fff_ffffL;

    private static final int E_MACHINE = 0x12;
    private static final int E_ENTRY = 0x18;
    private static final int E_PHOFF = 0x20;
    private static final int E_PHENTSIZE = 0x36;
    private static final int E_PHNUM = 0x38;

    private ElfKernel() {}

    /** One program header, as the file says it. */
    record Segment(int index, long type, long offset, long paddr, long filesz, long memsz) {}

    /** Whether {@code image} starts with the ELF magic. */
    static boolean matches(MemorySegment image) {
        return image.byteSize() >= 4 && (int) u32(image, 0) == 0x464c457f; // "\x7fELF"
    }

    static KernelPlacement load(Path file, MemorySegment image, GuestMemory memory, long lowRamEnd)
            throws KernelLoadException {
        List<Segment> loads = checkHeaders(file, image, lowRamEnd);
        long entry = u64(image, E_ENTRY);
        long start = loads.stream().mapToLong(Segment::paddr).min().orElseThrow();
        long end = loads.stream().mapToLong(s -> s.paddr() + s.memsz()).max().orElseThrow();
        if (loads.stream().noneMatch(s -> entry >= s.paddr() && entry < s.paddr() + s.memsz())) {
            throw new KernelLoadException(Reason.BAD_HEADER, file,
                    "ELF entry point 0x%x is not inside any PT_LOAD segment".formatted(entry));
        }
        Optional<GuestAddress> pvh = pvhEntry(file, image);
        for (Segment s : loads) {
            GuestAddress at = GuestAddress.of(s.paddr());
            MemorySegment.copy(image, s.offset(), memory.slice(at, s.filesz()), 0, s.filesz());
            memory.fill(at.checkedAdd(s.filesz()), s.memsz() - s.filesz(), (byte) 0);
        }
        return new KernelPlacement(LoadedKernel.Format.ELF, GuestAddress.of(entry), GuestAddress.of(start),
                GuestAddress.of(end), pvh, BootParams.withoutSetupHeader(), CMDLINE_LIMIT,
                INITRD_ADDR_MAX, 0, true);
    }

    /** Checks the ELF header and every program header; returns the PT_LOAD segments. */
    private static List<Segment> checkHeaders(Path file, MemorySegment image, long lowRamEnd)
            throws KernelLoadException {
        if (image.byteSize() < EHDR_SIZE) {
            throw new KernelLoadException(Reason.TOO_SMALL, file,
                    "truncated ELF: %d bytes, the ELF header alone has 64".formatted(image.byteSize()));
        }
        if (u8(image, 4) != ELFCLASS64) {
            throw new KernelLoadException(Reason.NOT_64BIT, file, "a 32-bit ELF (ELFCLASS%d): need an ELF64 x86-64 vmlinux"
                    .formatted(u8(image, 4) == 1 ? 32 : u8(image, 4)));
        }
        if (u8(image, 5) != ELFDATA2LSB || u16(image, E_MACHINE) != EM_X86_64) {
            throw new KernelLoadException(Reason.WRONG_MACHINE, file, "ELF for machine %d (%s-endian): need x86-64 (62)"
                    .formatted(u16(image, E_MACHINE), u8(image, 5) == ELFDATA2LSB ? "little" : "big"));
        }
        int phnum = u16(image, E_PHNUM);
        if (phnum == 0 || u16(image, E_PHENTSIZE) != PHDR_SIZE) {
            throw new KernelLoadException(Reason.BAD_HEADER, file, "ELF with %d program headers of %d bytes: need program headers of 56 bytes"
                    .formatted(phnum, u16(image, E_PHENTSIZE)));
        }
        long phoff = u64(image, E_PHOFF);
        requireInFile(file, image, phoff, (long) phnum * PHDR_SIZE, "program headers");
        var loads = new ArrayList<Segment>();
        for (Segment s : segments(image, (int) phoff, phnum)) {
            if (s.type() == PT_NOTE) {
                requireInFile(file, image, s.offset(), s.filesz(), "note segment " + s.index());
            } else if (s.type() == PT_LOAD && s.memsz() > 0) {
                checkLoadSegment(file, image, s, lowRamEnd);
                loads.add(s);
            }
        }
        if (loads.isEmpty()) {
            throw new KernelLoadException(Reason.BAD_HEADER, file, "ELF without a PT_LOAD segment");
        }
        return loads;
    }

    private static List<Segment> segments(MemorySegment image, int phoff, int phnum) {
        var list = new ArrayList<Segment>(phnum);
        for (int i = 0; i < phnum; i++) {
            int p = phoff + i * PHDR_SIZE;
            list.add(new Segment(i, u32(image, p), u64(image, p + 8), u64(image, p + 0x18),
                    u64(image, p + 0x20), u64(image, p + 0x28)));
        }
        return list;
    }

    private static void checkLoadSegment(Path file, MemorySegment image, Segment s, long lowRamEnd)
            throws KernelLoadException {
        if (Long.compareUnsigned(s.filesz(), s.memsz()) > 0) {
            throw new KernelLoadException(Reason.BAD_HEADER, file, "segment %d has p_filesz 0x%x above p_memsz 0x%x"
                    .formatted(s.index(), s.filesz(), s.memsz()));
        }
        requireInFile(file, image, s.offset(), s.filesz(), "segment " + s.index());
        long hole = Layout.MMIO_HOLE_START.value();
        long end = s.paddr() + s.memsz();
        if (Long.compareUnsigned(s.paddr(), Layout.HIGH_MEMORY_START.value()) < 0
                || Long.compareUnsigned(s.memsz(), hole) > 0 || Long.compareUnsigned(end, hole) > 0) {
            throw new KernelLoadException(Reason.SEGMENT_OUTSIDE_RAM, file,
                    "segment %d at 0x%x (+0x%x) is outside the RAM a kernel can use (1 MiB to 0x%x)"
                            .formatted(s.index(), s.paddr(), s.memsz(), hole));
        }
        if (end > lowRamEnd) {
            throw new KernelLoadException(Reason.NOT_ENOUGH_MEMORY, file,
                    "the kernel needs %d MiB of RAM (segment %d ends at 0x%x), the VM has %d MiB below the MMIO hole"
                            .formatted((end + (1 << 20) - 1) >> 20, s.index(), end, lowRamEnd >> 20));
        }
    }

    private static void requireInFile(Path file, MemorySegment image, long offset, long size, String what)
            throws KernelLoadException {
        if (Long.compareUnsigned(offset, image.byteSize()) > 0 || Long.compareUnsigned(size, image.byteSize() - offset) > 0) {
            throw new KernelLoadException(Reason.TRUNCATED, file, "truncated ELF: %s at 0x%x (+0x%x) beyond the file's %d bytes"
                    .formatted(what, offset, size, image.byteSize()));
        }
    }

    /** The PVH entry from the first XEN_ELFNOTE_PHYS32_ENTRY note; malformed notes end the search. */
    private static Optional<GuestAddress> pvhEntry(Path file, MemorySegment image) {
        for (Segment s : segments(image, (int) u64(image, E_PHOFF), u16(image, E_PHNUM))) {
            if (s.type() != PT_NOTE) {
                continue;
            }
            Optional<GuestAddress> found = ElfNotes.find(image, (int) s.offset(), (int) s.filesz(),
                    "Xen", XEN_ELFNOTE_PHYS32_ENTRY);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
