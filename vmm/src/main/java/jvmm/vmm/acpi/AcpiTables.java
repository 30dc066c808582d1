package jvmm.vmm.acpi;

import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.vmm.arch.x86.Layout;

/**
 * Builds all ACPI tables and writes them into the BIOS area: the RSDP at
 * {@link Layout#RSDP_START}, then DSDT, FADT, MADT and XSDT, each 16-byte aligned, all below
 * {@link Layout#ACPI_END} (a range the E820 map reserves).
 */
public final class AcpiTables {

    private static final long ALIGN = 16;

    private AcpiTables() {}

    /**
     * Writes the tables for {@code vcpuCount} vCPUs and the given virtio-mmio transports.
     *
     * @return the RSDP's address, for boot_params.acpi_rsdp_addr
     */
    public static GuestAddress build(GuestMemory memory, int vcpuCount, List<VirtioMmioSlot> slots) {
        var next = new Cursor(Layout.RSDP_START.checkedAdd(Rsdp.SIZE));
        GuestAddress dsdt = next.place(memory, Dsdt.build(slots));
        GuestAddress fadt = next.place(memory, Fadt.build(dsdt));
        GuestAddress madt = next.place(memory, Madt.build(vcpuCount));
        GuestAddress xsdt = next.place(memory, Xsdt.build(List.of(fadt, madt)));
        memory.write(Layout.RSDP_START, Rsdp.build(xsdt));
        return Layout.RSDP_START;
    }

    /** Hands out 16-byte-aligned places in the ACPI area. */
    private static final class Cursor {
        private GuestAddress next;

        Cursor(GuestAddress start) {
            this.next = start;
        }

        GuestAddress place(GuestMemory memory, byte[] table) {
            GuestAddress at = GuestAddress.of((next.value() + ALIGN - 1) & -ALIGN);
            GuestAddress end = at.checkedAdd(table.length);
            if (end.compareTo(Layout.ACPI_END) > 0) {
                throw new IllegalStateException("ACPI tables overflow the area below " + Layout.ACPI_END);
            }
            memory.write(at, table);
            next = end;
            return at;
        }
    }
}
