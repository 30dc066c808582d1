package jvmm.vmm.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic kernel images built field by field from boot.rst and the ELF64 spec, so tests control
 * every value a loader checks.
 */
final class TestImages {

    private TestImages() {}

    /** A bzImage; every field has the value of a current relocatable x86-64 kernel unless set. */
    static final class BzImageBuilder {
        int setupSects = 4;
        int version = 0x020f;
        int xloadflags = 0x1 | 0x2;
        int loadflags = 0x01;
        int relocatable = 1;
        long kernelAlignment = 0x20_0000;
        long prefAddress = 0x100_0000;
        long initSize = 0x40_0000;
        long cmdlineSize = 0x7ff;
        long initrdAddrMax = 0x7fff_ffffL;
        int headerEnd = 0x26c;
        int payloadSize = 0x3000;

        BzImageBuilder set(java.util.function.Consumer<BzImageBuilder> change) {
            change.accept(this);
            return this;
        }

        int setupSize() {
            return ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        }

        byte[] build() {
            ByteBuffer b = ByteBuffer.allocate(setupSize() + payloadSize).order(ByteOrder.LITTLE_ENDIAN);
            b.put(0x1f1, (byte) setupSects);
            b.putInt(0x1f4, (payloadSize + 15) / 16);
            b.putShort(0x1fe, (short) 0xaa55);
            b.put(0x200, (byte) 0xeb);
            b.put(0x201, (byte) (headerEnd - 0x202));
            b.putInt(0x202, 0x5372_6448);
            b.putShort(0x206, (short) version);
            b.put(0x211, (byte) loadflags);
            b.putInt(0x214, 0x10_0000);
            b.putInt(0x22c, (int) initrdAddrMax);
            b.putInt(0x230, (int) kernelAlignment);
            b.put(0x234, (byte) relocatable);
            b.put(0x235, (byte) 21);
            b.putShort(0x236, (short) xloadflags);
            b.putInt(0x238, (int) cmdlineSize);
            b.putLong(0x258, prefAddress);
            b.putInt(0x260, (int) initSize);
            for (int i = 0; i < payloadSize; i++) {
                b.put(setupSize() + i, (byte) (i * 7 + 3)); // a pattern that shows misplaced copies
            }
            return b.array();
        }
    }

    static BzImageBuilder bzImage() {
        return new BzImageBuilder();
    }

    /** One ELF program header to emit, with its file content. */
    record Phdr(int type, long paddr, byte[] data, long memsz) {}

    /** An ELF64 x86-64 executable with the given program headers, laid out after the headers. */
    static final class ElfBuilder {
        int elfClass = 2;
        int data = 1;
        int machine = 62;
        int phentsize = 56;
        long entry = 0x100_0000;
        final List<Phdr> phdrs = new ArrayList<>();

        ElfBuilder segment(long paddr, byte[] content, long memsz) {
            phdrs.add(new Phdr(1, paddr, content, memsz));
            return this;
        }

        ElfBuilder note(byte[] notes) {
            phdrs.add(new Phdr(4, 0, notes, 0));
            return this;
        }

        ElfBuilder set(java.util.function.Consumer<ElfBuilder> change) {
            change.accept(this);
            return this;
        }

        byte[] build() {
            int headers = 64 + 56 * phdrs.size();
            int total = headers + phdrs.stream().mapToInt(p -> p.data().length).sum();
            ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, (byte) data, 1});
            b.putShort(0x10, (short) 2); // ET_EXEC
            b.putShort(0x12, (short) machine);
            b.putInt(0x14, 1);
            b.putLong(0x18, entry);
            b.putLong(0x20, 64);
            b.putShort(0x34, (short) 64);
            b.putShort(0x36, (short) phentsize);
            b.putShort(0x38, (short) phdrs.size());
            int offset = headers;
            for (int i = 0; i < phdrs.size(); i++) {
                Phdr p = phdrs.get(i);
                int at = 64 + i * 56;
                b.putInt(at, p.type());
                b.putInt(at + 4, 5);
                b.putLong(at + 8, offset);
                b.putLong(at + 0x10, p.paddr() | 0xffff_ffff_8000_0000L);
                b.putLong(at + 0x18, p.paddr());
                b.putLong(at + 0x20, p.data().length);
                b.putLong(at + 0x28, p.type() == 4 ? p.data().length : p.memsz());
                b.putLong(at + 0x30, 0x1000);
                b.put(offset, p.data());
                offset += p.data().length;
            }
            return b.array();
        }
    }

    static ElfBuilder elf() {
        return new ElfBuilder();
    }

    /** A typical vmlinux: text at 16 MiB, data plus bss after it, entry at the start of text. */
    static ElfBuilder vmlinux() {
        return elf().segment(0x100_0000, pattern(0x2000, 1), 0x2000)
                .segment(0x100_2000, pattern(0x1000, 2), 0x3000);
    }

    /** One ELF note (Elf64_Nhdr plus the padded name and descriptor). */
    static byte[] note(String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameLen = (n.length + 3) & ~3;
        int descLen = (desc.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + nameLen + descLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n.length).putInt(desc.length).putInt(type);
        b.put(n);
        b.position(12 + nameLen);
        b.put(desc);
        return b.array();
    }

    static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
