package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import jvmm.vmm.arch.x86.Layout;

/**
 * The Multiple APIC Description Table (section 5.2.12): the local APIC address, one enabled
 * Processor Local APIC per vCPU (APIC id = vCPU index, as the vCPU setup programs them) and the
 * IOAPIC with GSIs from 0.
 *
 * <p>PCAT_COMPAT stays clear: there is no 8259 pair for the OS to mask (the hardware-reduced FADT
 * already makes Linux skip it). No interrupt source overrides: nothing uses IRQ 0 (no PIT timer in
 * hardware-reduced mode) and there is no SCI, so every ISA IRQ is identity-mapped, edge, active high.
 */
public final class Madt {

    public static final int REVISION = 5;
    public static final int LOCAL_APIC_ADDRESS_OFFSET = 36;
    public static final int FLAGS_OFFSET = 40;
    public static final int ENTRIES_OFFSET = 44;
    public static final int TYPE_LOCAL_APIC = 0;
    public static final int TYPE_IO_APIC = 1;
    public static final int LOCAL_APIC_LENGTH = 8;
    public static final int IO_APIC_LENGTH = 12;
    public static final int LOCAL_APIC_ENABLED = 1;
    public static final int IO_APIC_ID = 0;
    /** xAPIC ids are 8 bits and 0xff is broadcast. */
    public static final int MAX_VCPUS = 255;

    private Madt() {}

    public static byte[] build(int vcpuCount) {
        if (vcpuCount < 1 || vcpuCount > MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU count %d outside 1..%d".formatted(vcpuCount, MAX_VCPUS));
        }
        ByteBuffer b = Sdt.start("APIC", length(vcpuCount), REVISION);
        b.putInt((int) Layout.LAPIC_START.value());
        b.putInt(0); // flags: no PCAT_COMPAT
        for (int cpu = 0; cpu < vcpuCount; cpu++) {
            b.put((byte) TYPE_LOCAL_APIC).put((byte) LOCAL_APIC_LENGTH);
            b.put((byte) cpu); // ACPI processor UID
            b.put((byte) cpu); // APIC id
            b.putInt(LOCAL_APIC_ENABLED);
        }
        b.put((byte) TYPE_IO_APIC).put((byte) IO_APIC_LENGTH);
        b.put((byte) IO_APIC_ID).put((byte) 0);
        b.putInt((int) Layout.IOAPIC_START.value());
        b.putInt(0); // GSI base
        return Sdt.seal(b);
    }

    public static int length(int vcpuCount) {
        return ENTRIES_OFFSET + vcpuCount * LOCAL_APIC_LENGTH + IO_APIC_LENGTH;
    }
}
