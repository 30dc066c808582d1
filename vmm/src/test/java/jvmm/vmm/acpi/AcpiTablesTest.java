package jvmm.vmm.acpi;

import static jvmm.vmm.acpi.AcpiValidator.le;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.SegmentGuestMemory;
import jvmm.vmm.arch.x86.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcpiTablesTest {

    private Arena arena;
    private SegmentGuestMemory memory;

    @BeforeEach
    void allocate() {
        arena = Arena.ofConfined();
        memory = SegmentGuestMemory.allocate(arena, 2L << 20);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    private static List<VirtioMmioSlot> slots(int n) {
        return IntStream.range(0, n).mapToObj(i -> new VirtioMmioSlot(Layout.virtioMmioBase(i),
                Layout.VIRTIO_MMIO_SIZE, Layout.virtioMmioIrq(i))).toList();
    }

    private Map<String, byte[]> build(int vcpus, int devices) {
        GuestAddress rsdp = AcpiTables.build(memory, vcpus, slots(devices));
        assertThat(rsdp).isEqualTo(Layout.RSDP_START);
        return AcpiValidator.read(memory, rsdp);
    }

    @Test
    void allTablesAreReachableAndValid() {
        Map<String, byte[]> tables = build(2, 3);

        assertThat(tables.keySet()).containsExactly("XSDT", "FACP", "APIC", "DSDT");
        assertThat(tables.get("FACP")).hasSize(Fadt.LENGTH);
    }

    @Test
    void tablesStayInsideTheReservedAcpiArea() {
        AcpiTables.build(memory, 254, slots(Layout.maxVirtioMmioDevices()));
        Map<String, byte[]> tables = AcpiValidator.read(memory, Layout.RSDP_START);

        long xsdtAt = memory.readU64(Layout.RSDP_START.checkedAdd(24));
        assertThat(xsdtAt).isGreaterThan(Layout.RSDP_START.value()).isLessThan(Layout.ACPI_END.value());
        assertThat(tables.get("APIC")).hasSize(Madt.length(254));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64})
    void madtHasOneEnabledLocalApicPerVcpuAndOneIoApic(int vcpus) {
        var madt = le(build(vcpus, 1).get("APIC"));

        assertThat(madt.getInt(Madt.LOCAL_APIC_ADDRESS_OFFSET)).isEqualTo((int) Layout.LAPIC_START.value());
        assertThat(madt.getInt(Madt.FLAGS_OFFSET)).as("no PCAT_COMPAT").isZero();
        assertThat(madt.capacity()).isEqualTo(44 + 8 * vcpus + 12);
        for (int cpu = 0; cpu < vcpus; cpu++) {
            int at = 44 + 8 * cpu;
            assertThat(madt.get(at)).isEqualTo((byte) 0);
            assertThat(madt.get(at + 1)).isEqualTo((byte) 8);
            assertThat(madt.get(at + 3) & 0xff).as("APIC id").isEqualTo(cpu);
            assertThat(madt.getInt(at + 4)).as("enabled").isEqualTo(1);
        }
        int ioapic = 44 + 8 * vcpus;
        assertThat(madt.get(ioapic)).isEqualTo((byte) 1);
        assertThat(madt.get(ioapic + 1)).isEqualTo((byte) 12);
        assertThat(madt.getInt(ioapic + 4)).isEqualTo((int) Layout.IOAPIC_START.value());
        assertThat(madt.getInt(ioapic + 8)).as("GSI base").isZero();
    }

    @Test
    void fadtIsHardwareReducedWithSleepAndResetPorts() {
        var fadt = le(build(1, 0).get("FACP"));

        assertThat(fadt.get(8)).as("revision").isEqualTo((byte) 6);
        assertThat(fadt.get(Fadt.MINOR_REVISION_OFFSET)).isEqualTo((byte) 5);
        int flags = fadt.getInt(Fadt.FLAGS_OFFSET);
        assertThat(flags & (1 << 20)).as("HW_REDUCED_ACPI").isNotZero();
        assertThat(flags & (1 << 10)).as("RESET_REG_SUP").isNotZero();
        int bootArch = fadt.getShort(Fadt.IAPC_BOOT_ARCH_OFFSET);
        assertThat(bootArch & (1 << 5)).as("CMOS RTC not present").isNotZero();
        assertThat(bootArch & (1 << 2)).as("VGA not present").isNotZero();
        assertThat(bootArch & (1 << 3)).as("MSI not supported: not claimed").isZero();
        assertGas(fadt, Fadt.RESET_REG_OFFSET, 0x3c2);
        assertThat(fadt.get(Fadt.RESET_VALUE_OFFSET)).isEqualTo((byte) 1);
        assertGas(fadt, Fadt.SLEEP_CONTROL_REG_OFFSET, 0x3c0);
        assertGas(fadt, Fadt.SLEEP_STATUS_REG_OFFSET, 0x3c1);
        assertThat(fadt.getShort(46)).as("SCI_INT: none").isZero();
    }

    private static void assertGas(java.nio.ByteBuffer table, int offset, int port) {
        assertThat(table.get(offset)).as("I/O space").isEqualTo((byte) 1);
        assertThat(table.get(offset + 1)).as("8 bits").isEqualTo((byte) 8);
        assertThat(table.get(offset + 3)).as("byte access").isEqualTo((byte) 1);
        assertThat(table.getLong(offset + 4)).isEqualTo(port);
    }

    @Test
    void dsdtHasOneVirtioNodePerSlotAndTheS5Package() {
        byte[] dsdt = build(1, 3).get("DSDT");
        String aml = new String(dsdt, java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(aml).contains("_S5_").contains("COM1").contains("PS2K").contains("VR00").contains("VR01").contains("VR02")
                .doesNotContain("VR03");
        assertThat(aml.split("LNRO0005", -1)).hasSize(4);
        assertThat(dsdt[8]).as("revision 2: 64-bit integers").isEqualTo((byte) 2);
    }

    @Test
    void rsdpHasBothChecksumsAndPointsAtTheXsdt() {
        build(1, 1);
        byte[] rsdp = new byte[Rsdp.SIZE];
        memory.read(Layout.RSDP_START, rsdp, 0, rsdp.length);

        assertThat(rsdp[15]).isEqualTo((byte) 2);
        assertThat(le(rsdp).getInt(16)).as("no RSDT").isZero();
        assertThat(sum(rsdp, 20)).isZero();
        assertThat(sum(rsdp, 36)).isZero();
    }

    @Test
    void validatorRejectsATableWithABadChecksum() {
        build(2, 2);
        long madtAt = memory.readU64(GuestAddress.of(memory.readU64(Layout.RSDP_START.checkedAdd(24)) + 44));
        GuestAddress apicId = GuestAddress.of(madtAt + 44 + 3);
        memory.writeU8(apicId, (byte) (memory.readU8(apicId) + 1));

        assertThatThrownBy(() -> AcpiValidator.read(memory, Layout.RSDP_START))
                .isInstanceOf(AcpiValidator.InvalidTable.class).hasMessageContaining("checksum of APIC");
    }

    @Test
    void validatorRejectsAnRsdpWithABadExtendedChecksum() {
        build(1, 0);
        GuestAddress reserved = Layout.RSDP_START.checkedAdd(33);
        memory.writeU8(reserved, (byte) 1);

        assertThatThrownBy(() -> AcpiValidator.read(memory, Layout.RSDP_START))
                .isInstanceOf(AcpiValidator.InvalidTable.class).hasMessageContaining("extended checksum");
    }

    private static int sum(byte[] b, int length) {
        int s = 0;
        for (int i = 0; i < length; i++) {
            s += b[i];
        }
        return s & 0xff;
    }
}
