package jvmm.vmm.arch.x86;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * The boot page tables: an identity map of the first 4 GiB with 2 MiB pages (PML4 -> one PDPT ->
 * four PDs), enough for a 64-bit kernel to run from where it was loaded until it builds its own
 * tables. Also the control-register bits the vCPU setup needs to enter long mode with them.
 */
public final class PageTables {

    /** Page-table entry bits. */
    public static final long PRESENT = 1L;
    public static final long WRITABLE = 1L << 1;
    /** In a PD entry: this entry maps a 2 MiB page, not a page table. */
    public static final long PAGE_SIZE = 1L << 7;

    public static final long CR0_PE = 1L;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1L << 5;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;

    /** CR0, CR4 and EFER bits that, with {@link #CR3}, put a vCPU in long mode with paging. */
    public static final long LONG_MODE_CR0 = CR0_PE | CR0_PG;
    public static final long LONG_MODE_CR4 = CR4_PAE;
    public static final long LONG_MODE_EFER = EFER_LME | EFER_LMA;

    public static final GuestAddress PML4 = Layout.PML4_START;
    public static final GuestAddress PDPT = PML4.checkedAdd(0x1000);
    /** The first of {@link #PD_COUNT} page directories. */
    public static final GuestAddress PD = PDPT.checkedAdd(0x1000);
    public static final int PD_COUNT = 4;
    /** The value for CR3: the PML4's address (no PCID, no flags). */
    public static final long CR3 = PML4.value();
    /** End (exclusive) of the tables in guest memory. */
    public static final GuestAddress END = PD.checkedAdd(PD_COUNT * 0x1000L);

    private static final int ENTRIES_PER_TABLE = 512;
    private static final long PAGE_2M = 1L << 21;

    private PageTables() {}

    /** Writes all tables; every entry a table does not use is zeroed. */
    public static void write(GuestMemory memory) {
        memory.fill(PML4, END.offsetFrom(PML4), (byte) 0);
        memory.writeU64(PML4, PDPT.value() | PRESENT | WRITABLE);
        for (int pd = 0; pd < PD_COUNT; pd++) {
            GuestAddress table = pdAddress(pd);
            memory.writeU64(PDPT.checkedAdd(pd * 8L), table.value() | PRESENT | WRITABLE);
            for (int i = 0; i < ENTRIES_PER_TABLE; i++) {
                long physical = ((long) pd * ENTRIES_PER_TABLE + i) * PAGE_2M;
                memory.writeU64(table.checkedAdd(i * 8L), physical | PRESENT | WRITABLE | PAGE_SIZE);
            }
        }
    }

    /** The address of the {@code index}-th page directory (it maps GiB number {@code index}). */
    public static GuestAddress pdAddress(int index) {
        return PD.checkedAdd(index * 0x1000L);
    }
}
