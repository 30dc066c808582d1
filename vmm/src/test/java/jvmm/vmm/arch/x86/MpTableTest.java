package jvmm.vmm.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MpTableTest {

    private static final GuestAddress AT = Layout.MP_TABLE_START;

    /** One configuration table entry: its type and bytes. */
    private record Entry(int type, byte[] bytes) {
        int u8(int offset) {
            return bytes[offset] & 0xff;
        }
    }

    private static int sum(byte[] bytes, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += bytes[i];
        }
        return sum & 0xff;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String ascii(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.US_ASCII);
    }

    /** Walks the entries the way a parser does: by type, each of its fixed length. */
    private static List<Entry> entries(byte[] bytes) {
        int table = MpTable.FLOATING_POINTER_SIZE;
        int length = le(bytes).getShort(table + MpTable.HEADER_LENGTH_OFFSET) & 0xffff;
        var list = new ArrayList<Entry>();
        int at = table + MpTable.HEADER_SIZE;
        while (at < table + length) {
            int type = bytes[at];
            int size = type == MpTable.TYPE_PROCESSOR ? MpTable.PROCESSOR_ENTRY_SIZE : MpTable.OTHER_ENTRY_SIZE;
            byte[] entry = new byte[size];
            System.arraycopy(bytes, at, entry, 0, size);
            list.add(new Entry(type, entry));
            at += size;
        }
        assertThat(at).isEqualTo(table + length);
        return list;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 255})
    void bothStructuresSumToZeroAndHaveTheirSignatures(int vcpus) {
        byte[] bytes = MpTable.build(vcpus, AT);

        assertThat(ascii(bytes, 0, 4)).isEqualTo("_MP_");
        assertThat(sum(bytes, 0, MpTable.FLOATING_POINTER_SIZE)).isZero();
        assertThat(ascii(bytes, MpTable.FLOATING_POINTER_SIZE, 4)).isEqualTo("PCMP");
        assertThat(sum(bytes, MpTable.FLOATING_POINTER_SIZE, bytes.length - MpTable.FLOATING_POINTER_SIZE)).isZero();
    }

    @Test
    void floatingPointerIsOneParagraphOfSpec14PointingRightBehindItself() {
        byte[] bytes = MpTable.build(2, AT);

        assertThat(le(bytes).getInt(4)).isEqualTo((int) AT.value() + 16);
        assertThat(bytes[8]).isEqualTo((byte) 1);
        assertThat(bytes[9]).isEqualTo((byte) 4);
        assertThat(bytes[11]).as("feature byte 1: no default configuration").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 255})
    void headerLengthAndCountMatchTheEntries(int vcpus) {
        byte[] bytes = MpTable.build(vcpus, AT);
        ByteBuffer header = le(bytes).position(MpTable.FLOATING_POINTER_SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);

        int length = header.getShort(MpTable.HEADER_LENGTH_OFFSET) & 0xffff;
        assertThat(length).isEqualTo(44 + 20 * vcpus + 8 * (1 + 1 + 24 + 2));
        assertThat(bytes).hasSize(16 + length);
        assertThat(header.get(6)).as("spec revision").isEqualTo((byte) 4);
        assertThat(header.getShort(MpTable.HEADER_ENTRY_COUNT_OFFSET)).isEqualTo((short) (vcpus + 28));
        assertThat(entries(bytes)).hasSize(vcpus + 28);
        assertThat(header.getInt(MpTable.HEADER_LAPIC_ADDRESS_OFFSET)).isEqualTo((int) Layout.LAPIC_START.value());
        assertThat(header.getShort(40)).as("no extended table").isZero();
    }

    @Test
    void entriesComeInSpecOrder() {
        List<Integer> types = entries(MpTable.build(3, AT)).stream().map(Entry::type).toList();

        assertThat(types).isSorted();
        assertThat(types.subList(0, 5)).containsExactly(0, 0, 0, 1, 2);
    }

    @Test
    void oneEnabledProcessorPerVcpuWithVcpuZeroTheBootstrapProcessor() {
        List<Entry> cpus = entries(MpTable.build(4, AT)).stream().filter(e -> e.type() == MpTable.TYPE_PROCESSOR).toList();

        assertThat(cpus).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(cpus.get(i).u8(1)).as("APIC id").isEqualTo(i);
            assertThat(cpus.get(i).u8(2)).as("APIC version").isEqualTo(MpTable.LOCAL_APIC_VERSION);
            assertThat(cpus.get(i).u8(3)).as("flags").isEqualTo(i == 0 ? 3 : 1);
        }
    }

    @Test
    void theIsaBusAndTheIoapicAreDescribed() {
        List<Entry> all = entries(MpTable.build(1, AT));
        Entry bus = all.stream().filter(e -> e.type() == MpTable.TYPE_BUS).findFirst().orElseThrow();
        Entry ioapic = all.stream().filter(e -> e.type() == MpTable.TYPE_IO_APIC).findFirst().orElseThrow();

        assertThat(ascii(bus.bytes(), 2, 6)).isEqualTo("ISA   ");
        assertThat(ioapic.u8(1)).isEqualTo(MpTable.IO_APIC_ID);
        assertThat(ioapic.u8(3)).as("enabled").isEqualTo(1);
        assertThat(le(ioapic.bytes()).getInt(4)).isEqualTo((int) Layout.IOAPIC_START.value());
    }

    @Test
    void everyIoapicPinGetsTheIsaIrqOfItsNumberSoVirtioGsisAreRouted() {
        List<Entry> irqs = entries(MpTable.build(2, AT)).stream()
                .filter(e -> e.type() == MpTable.TYPE_IO_INTERRUPT).toList();

        assertThat(irqs).hasSize(Layout.IOAPIC_PINS);
        for (int pin = 0; pin < Layout.IOAPIC_PINS; pin++) {
            Entry e = irqs.get(pin);
            assertThat(e.u8(1)).isEqualTo(MpTable.INTERRUPT_INT);
            assertThat(le(e.bytes()).getShort(2)).as("conforms to the bus").isZero();
            assertThat(e.u8(5)).as("source IRQ").isEqualTo(pin);
            assertThat(e.u8(6)).isEqualTo(MpTable.IO_APIC_ID);
            assertThat(e.u8(7)).as("INTIN").isEqualTo(pin);
        }
        assertThat(Layout.virtioMmioIrq(Layout.maxVirtioMmioDevices() - 1)).isLessThan(Layout.IOAPIC_PINS);
        assertThat(List.of(Layout.COM1_IRQ, Layout.I8042_KBD_IRQ)).allMatch(irq -> irq < Layout.IOAPIC_PINS);
    }

    @Test
    void lint0IsExtIntAndLint1IsNmiOnEveryLocalApic() {
        List<Entry> local = entries(MpTable.build(2, AT)).stream()
                .filter(e -> e.type() == MpTable.TYPE_LOCAL_INTERRUPT).toList();

        assertThat(local).hasSize(2);
        assertThat(local.get(0).u8(1)).isEqualTo(MpTable.INTERRUPT_EXTINT);
        assertThat(local.get(0).u8(7)).isEqualTo(0);
        assertThat(local.get(1).u8(1)).isEqualTo(MpTable.INTERRUPT_NMI);
        assertThat(local.get(1).u8(7)).isEqualTo(1);
        assertThat(local).allMatch(e -> e.u8(6) == MpTable.ALL_LOCAL_APICS);
    }

    @Test
    void theLargestTableFitsItsAreaWhichTheKernelScansAndE820Reserves() {
        assertThat(AT.value() + MpTable.FLOATING_POINTER_SIZE + MpTable.tableLength(MpTable.MAX_VCPUS))
                .isLessThanOrEqualTo(Layout.MP_TABLE_END.value());
        assertThat(AT.value()).isBetween(0xf0000L, 0xfffffL - 15);
        assertThat(Layout.ACPI_END.value()).isLessThanOrEqualTo(AT.value());
        E820.Entry reserved = E820.build(Layout.ramRegions(64L << 20)).get(1);
        assertThat(reserved.type()).isEqualTo(E820.TYPE_RESERVED);
        assertThat(reserved.end().value()).isGreaterThanOrEqualTo(Layout.MP_TABLE_END.value());
    }

    @Test
    void writePutsTheBytesAtTheFixedAddress() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentGuestMemory memory = SegmentGuestMemory.allocate(arena, 2L << 20);

            assertThat(MpTable.write(memory, 2)).isEqualTo(AT);

            byte[] expected = MpTable.build(2, AT);
            byte[] actual = new byte[expected.length];
            memory.read(AT, actual, 0, actual.length);
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void vcpuCountsWithoutAnApicIdAndMisalignedAddressesAreRejected() {
        assertThatThrownBy(() -> MpTable.build(0, AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MpTable.build(256, AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MpTable.build(1, GuestAddress.of(0xf0008))).isInstanceOf(IllegalArgumentException.class);
    }
}
