package jvmm.vmm.arch.x86;

import java.util.ArrayList;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;

/**
 * The BIOS-style E820 memory map the kernel reads from boot_params: which guest-physical ranges
 * are RAM it may use and which it must leave alone (the EBDA, the legacy BIOS area and the ACPI
 * tables that live in it).
 */
public final class E820 {

    /** E820 entry type: usable RAM. */
    public static final int TYPE_RAM = 1;
    /** E820 entry type: reserved, the kernel keeps out. */
    public static final int TYPE_RESERVED = 2;
    /** boot_params.e820_table has room for this many entries. */
    public static final int MAX_ENTRIES = 128;
    /** The size of one struct boot_e820_entry: u64 addr, u64 size, u32 type, packed. */
    public static final int ENTRY_SIZE = 20;

    private E820() {}

    /** One range of the map. */
    public record Entry(GuestAddress addr, long size, int type) {
        public Entry {
            if (size <= 0) {
                throw new IllegalArgumentException("E820 entry size must be positive: " + size);
            }
        }

        public GuestAddress end() {
            return addr.checkedAdd(size);
        }
    }

    /**
     * The map for RAM laid out by {@link Layout#ramRegions}: usable RAM below the EBDA, the EBDA up
     * to 1 MiB reserved (it holds the ACPI tables), RAM from 1 MiB to the end of the first region,
     * and each further region as RAM.
     *
     * @throws IllegalArgumentException when the first region does not start at 0 or ends below 1 MiB
     */
    public static List<Entry> build(List<Layout.RamRegion> regions) {
        Layout.RamRegion low = regions.getFirst();
        long highStart = Layout.HIGH_MEMORY_START.value();
        if (low.base().value() != 0 || low.end().value() <= highStart) {
            throw new IllegalArgumentException("the first RAM region must span 0..1 MiB and more: " + low);
        }
        long ebda = Layout.EBDA_START.value();
        var entries = new ArrayList<Entry>();
        entries.add(new Entry(GuestAddress.of(0), ebda, TYPE_RAM));
        entries.add(new Entry(Layout.EBDA_START, highStart - ebda, TYPE_RESERVED));
        entries.add(new Entry(Layout.HIGH_MEMORY_START, low.end().value() - highStart, TYPE_RAM));
        for (Layout.RamRegion r : regions.subList(1, regions.size())) {
            entries.add(new Entry(r.base(), r.size(), TYPE_RAM));
        }
        return List.copyOf(entries);
    }
}
