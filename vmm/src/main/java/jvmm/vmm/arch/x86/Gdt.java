package jvmm.vmm.arch.x86;

import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * The flat GDT a vCPU starts in 64-bit mode with: null, a 64-bit code segment, a data segment and
 * a TSS, all with base 0 and a 4 GiB limit. KVM does not read the GDT to load segment registers
 * (the vCPU setup hands it decoded {@link Segment}s), but the kernel's first far jumps and any
 * segment reload before it installs its own GDT do read it, so the table in guest memory and the
 * registers must say the same thing: both come from the same descriptor values here.
 */
public final class Gdt {

    /** Descriptor flags (access byte in bits 0-7, G/DB/L/AVL in bits 12-15): long-mode code, execute/read, accessed. */
    public static final int CODE_FLAGS = 0xa09b;
    /** Read/write data, accessed, 32-bit default size, 4 KiB granularity. */
    public static final int DATA_FLAGS = 0xc093;
    /** A busy 64-bit TSS (type 0xb), as KVM requires for TR. */
    public static final int TSS_FLAGS = 0x808b;
    public static final int FLAT_LIMIT = 0xfffff;

    public static final int CODE_INDEX = 1;
    public static final int DATA_INDEX = 2;
    public static final int TSS_INDEX = 3;

    /** The table: null, code, data, TSS. */
    public static final List<Long> ENTRIES = List.of(
            0L,
            descriptor(CODE_FLAGS, 0, FLAT_LIMIT),
            descriptor(DATA_FLAGS, 0, FLAT_LIMIT),
            descriptor(TSS_FLAGS, 0, FLAT_LIMIT));

    /** The GDTR limit: the table's size minus one. */
    public static final int LIMIT = ENTRIES.size() * 8 - 1;

    /** The IDTR limit for the empty IDT at {@link Layout#IDT_START}. */
    public static final int IDT_LIMIT = 7;

    private Gdt() {}

    /**
     * A segment register's content as KVM's struct kvm_segment holds it (the selector's hidden
     * part decoded from the descriptor).
     *
     * @param limit the byte-granular limit (already scaled by 4 KiB when g is set)
     * @param type the 4-bit segment type
     */
    public record Segment(long base, int limit, int selector, int type, boolean present, int dpl,
                          boolean db, boolean s, boolean l, boolean g, boolean avl) {}

    /** Packs a segment descriptor from its flags, base and 20-bit limit. */
    public static long descriptor(int flags, long base, int limit) {
        return ((base & 0xff00_0000L) << 32)
                | ((flags & 0xf0ffL) << 40)
                | (((long) limit & 0xf_0000L) << 32)
                | ((base & 0x00ff_ffffL) << 16)
                | (limit & 0xffffL);
    }

    /** Decodes the descriptor at {@code index} of this GDT into the segment that selector loads. */
    public static Segment segment(int index) {
        long d = ENTRIES.get(index);
        long base = ((d >>> 16) & 0xff_ffffL) | ((d >>> 32) & 0xff00_0000L);
        int rawLimit = (int) ((d & 0xffff) | ((d >>> 32) & 0xf_0000));
        boolean g = bit(d, 55);
        int limit = g ? (rawLimit << 12) | 0xfff : rawLimit;
        return new Segment(base, limit, index * 8,
                (int) ((d >>> 40) & 0xf), bit(d, 47), (int) ((d >>> 45) & 0x3),
                bit(d, 54), bit(d, 44), bit(d, 53), g, bit(d, 52));
    }

    private static boolean bit(long value, int bit) {
        return ((value >>> bit) & 1) != 0;
    }

    public static Segment codeSegment() {
        return segment(CODE_INDEX);
    }

    public static Segment dataSegment() {
        return segment(DATA_INDEX);
    }

    public static Segment tssSegment() {
        return segment(TSS_INDEX);
    }

    /** Writes the GDT at {@link Layout#GDT_START} and an all-zero IDT at {@link Layout#IDT_START}. */
    public static void write(GuestMemory memory) {
        GuestAddress at = Layout.GDT_START;
        for (long entry : ENTRIES) {
            memory.writeU64(at, entry);
            at = at.checkedAdd(8);
        }
        memory.writeU64(Layout.IDT_START, 0);
    }
}
