package jvmm.vmm.arch.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * The Intel MultiProcessor table (MP specification 1.4), for kernels built without ACPI: they learn
 * the CPUs, the IOAPIC and how the ISA interrupts reach it only from here. Kernels with ACPI prefer
 * the MADT and ignore it, so every Linux boot gets both, describing the same machine.
 *
 * <p>The floating pointer structure (16 bytes, "_MP_") sits at {@link Layout#MP_TABLE_START}, where
 * the kernel's scan of 0xf0000..0xfffff finds it, and points at the configuration table ("PCMP")
 * that follows it directly. The table holds, in the order the spec asks for:
 * <ul>
 *   <li>one processor entry per vCPU, APIC id = vCPU index (as the vCPU setup programs them,
 *       and as the MADT says), vCPU 0 the bootstrap processor;
 *   <li>one ISA bus, id 0;
 *   <li>the IOAPIC at {@link Layout#IOAPIC_START}, id {@link #IO_APIC_ID} as in the MADT;
 *   <li>one I/O interrupt entry per IOAPIC pin: ISA bus IRQ n to pin n, flags "conforms to the bus"
 *       (ISA: edge, active high). That is KVM's default GSI routing, the MADT's identity map without
 *       overrides, and covers the ISA devices (PIT 0, i8042 1, COM1 4) as well as every virtio-mmio
 *       GSI ({@link Layout#virtioMmioIrq}), which Linux then numbers IRQ = GSI, as the
 *       {@code virtio_mmio.device=} command-line entries expect;
 *   <li>two local interrupt entries: LINT0 ExtINT (the 8259 in virtual-wire mode) and LINT1 NMI,
 *       for every local APIC.
 * </ul>
 * No extended table entries. Both structures carry a checksum that makes their bytes sum to 0.
 */
public final class MpTable {

    public static final int FLOATING_POINTER_SIZE = 16;
    public static final int HEADER_SIZE = 44;
    public static final int PROCESSOR_ENTRY_SIZE = 20;
    public static final int OTHER_ENTRY_SIZE = 8;
    /** MP specification 1.4. */
    public static final int SPEC_REVISION = 4;
    public static final int FLOATING_POINTER_CHECKSUM_OFFSET = 10;
    public static final int HEADER_LENGTH_OFFSET = 4;
    public static final int HEADER_CHECKSUM_OFFSET = 7;
    public static final int HEADER_ENTRY_COUNT_OFFSET = 34;
    public static final int HEADER_LAPIC_ADDRESS_OFFSET = 36;

    public static final int TYPE_PROCESSOR = 0;
    public static final int TYPE_BUS = 1;
    public static final int TYPE_IO_APIC = 2;
    public static final int TYPE_IO_INTERRUPT = 3;
    public static final int TYPE_LOCAL_INTERRUPT = 4;

    public static final int INTERRUPT_INT = 0;
    public static final int INTERRUPT_NMI = 1;
    public static final int INTERRUPT_EXTINT = 3;

    public static final int ISA_BUS_ID = 0;
    /** The same id the MADT gives the IOAPIC. */
    public static final int IO_APIC_ID = 0;
    /** The version KVM's local APIC reports (an integrated xAPIC). */
    public static final int LOCAL_APIC_VERSION = 0x14;
    /** The version KVM's IOAPIC reports. */
    public static final int IO_APIC_VERSION = 0x11;
    /** Destination "all local APICs" in a local interrupt entry. */
    public static final int ALL_LOCAL_APICS = 0xff;
    /** xAPIC ids are 8 bits and 0xff is broadcast. */
    public static final int MAX_VCPUS = 255;

    /** The entries besides the processors: the bus, the IOAPIC, one per pin, LINT0 and LINT1. */
    public static final int OTHER_ENTRIES = 1 + 1 + Layout.IOAPIC_PINS + 2;

    private static final int CPU_ENABLED = 1;
    private static final int CPU_BOOTSTRAP = 2;
    /** CPUID signature family 6 and feature flags FPU and APIC: informational, Linux ignores them. */
    private static final int CPU_SIGNATURE = 0x600;
    private static final int CPU_FEATURES = 1 | 1 << 9;
    private static final int IO_APIC_ENABLED = 1;
    private static final String OEM_ID = "JVMM    ";
    private static final String PRODUCT_ID = "JVMM-MPTABLE";

    private MpTable() {}

    /**
     * Writes the floating pointer and the configuration table for {@code vcpuCount} vCPUs at
     * {@link Layout#MP_TABLE_START}.
     *
     * @return the floating pointer's address
     */
    public static GuestAddress write(GuestMemory memory, int vcpuCount) {
        byte[] bytes = build(vcpuCount, Layout.MP_TABLE_START);
        if (Layout.MP_TABLE_START.checkedAdd(bytes.length).compareTo(Layout.MP_TABLE_END) > 0) {
            throw new IllegalStateException("MP table overflows the area below " + Layout.MP_TABLE_END);
        }
        memory.write(Layout.MP_TABLE_START, bytes);
        return Layout.MP_TABLE_START;
    }

    /**
     * The floating pointer followed by the configuration table, as they lie in guest memory when the
     * floating pointer is at {@code at} (16-byte aligned, below 4 GiB).
     */
    public static byte[] build(int vcpuCount, GuestAddress at) {
        if (vcpuCount < 1 || vcpuCount > MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU count %d outside 1..%d".formatted(vcpuCount, MAX_VCPUS));
        }
        if ((at.value() & 0xf) != 0 || at.value() + FLOATING_POINTER_SIZE + tableLength(vcpuCount) > 1L << 32) {
            throw new IllegalArgumentException("MP table address must be 16-byte aligned below 4 GiB: " + at);
        }
        byte[] table = configurationTable(vcpuCount);
        ByteBuffer b = ByteBuffer.allocate(FLOATING_POINTER_SIZE + table.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("_MP_"));
        b.putInt((int) (at.value() + FLOATING_POINTER_SIZE)); // the configuration table follows
        b.put((byte) 1); // length in 16-byte paragraphs
        b.put((byte) SPEC_REVISION);
        b.put((byte) 0); // checksum, below
        b.put((byte) 0); // feature byte 1: 0 = a configuration table is present (no default config)
        b.put((byte) 0); // feature byte 2: IMCR absent, virtual-wire mode
        b.put(new byte[3]);
        b.put(table);
        byte[] bytes = b.array();
        bytes[FLOATING_POINTER_CHECKSUM_OFFSET] = checksum(bytes, 0, FLOATING_POINTER_SIZE);
        return bytes;
    }

    /** Bytes of the configuration table (header and entries) for {@code vcpuCount} vCPUs. */
    public static int tableLength(int vcpuCount) {
        return HEADER_SIZE + vcpuCount * PROCESSOR_ENTRY_SIZE + OTHER_ENTRIES * OTHER_ENTRY_SIZE;
    }

    /** The number of entries of the configuration table. */
    public static int entryCount(int vcpuCount) {
        return vcpuCount + OTHER_ENTRIES;
    }

    private static byte[] configurationTable(int vcpuCount) {
        int length = tableLength(vcpuCount);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("PCMP"));
        b.putShort((short) length);
        b.put((byte) SPEC_REVISION);
        b.put((byte) 0); // checksum, below
        b.put(ascii(OEM_ID));
        b.put(ascii(PRODUCT_ID));
        b.putInt(0); // no OEM table
        b.putShort((short) 0);
        b.putShort((short) entryCount(vcpuCount));
        b.putInt((int) Layout.LAPIC_START.value());
        b.putShort((short) 0); // no extended entries
        b.put((byte) 0); // their checksum
        b.put((byte) 0); // reserved
        for (int cpu = 0; cpu < vcpuCount; cpu++) {
            b.put((byte) TYPE_PROCESSOR).put((byte) cpu).put((byte) LOCAL_APIC_VERSION);
            b.put((byte) (CPU_ENABLED | (cpu == 0 ? CPU_BOOTSTRAP : 0)));
            b.putInt(CPU_SIGNATURE).putInt(CPU_FEATURES).putLong(0);
        }
        b.put((byte) TYPE_BUS).put((byte) ISA_BUS_ID).put(ascii("ISA   "));
        b.put((byte) TYPE_IO_APIC).put((byte) IO_APIC_ID).put((byte) IO_APIC_VERSION).put((byte) IO_APIC_ENABLED);
        b.putInt((int) Layout.IOAPIC_START.value());
        for (int pin = 0; pin < Layout.IOAPIC_PINS; pin++) {
            b.put((byte) TYPE_IO_INTERRUPT).put((byte) INTERRUPT_INT).putShort((short) 0); // conforms to the bus
            b.put((byte) ISA_BUS_ID).put((byte) pin).put((byte) IO_APIC_ID).put((byte) pin);
        }
        localInterrupt(b, INTERRUPT_EXTINT, 0);
        localInterrupt(b, INTERRUPT_NMI, 1);
        byte[] bytes = b.array();
        bytes[HEADER_CHECKSUM_OFFSET] = checksum(bytes, 0, length);
        return bytes;
    }

    private static void localInterrupt(ByteBuffer b, int type, int lint) {
        b.put((byte) TYPE_LOCAL_INTERRUPT).put((byte) type).putShort((short) 0);
        b.put((byte) ISA_BUS_ID).put((byte) 0).put((byte) ALL_LOCAL_APICS).put((byte) lint);
    }

    /** The byte that makes {@code bytes[from, from + length)} sum to 0 (mod 256), its own slot being 0. */
    static byte checksum(byte[] bytes, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += bytes[i];
        }
        return (byte) -sum;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
