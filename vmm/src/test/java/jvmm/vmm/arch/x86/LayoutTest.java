package jvmm.vmm.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jvmm.virtio.memory.GuestAddress;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void ramBelowTheHoleIsOneRegionFromZero() {
        assertThat(Layout.ramRegions(128L << 20))
                .containsExactly(new Layout.RamRegion(GuestAddress.of(0), 128L << 20));
        assertThat(Layout.ramRegions(0xd000_0000L))
                .containsExactly(new Layout.RamRegion(GuestAddress.of(0), 0xd000_0000L));
    }

    @Test
    void ramBeyondTheHoleContinuesAt4GiB() {
        assertThat(Layout.ramRegions(8L << 30)).containsExactly(
                new Layout.RamRegion(GuestAddress.of(0), 0xd000_0000L),
                new Layout.RamRegion(GuestAddress.of(1L << 32), (8L << 30) - 0xd000_0000L));
        assertThat(Layout.lowRamEnd(8L << 30)).isEqualTo(Layout.MMIO_HOLE_START);
    }

    @Test
    void ramSizesThatCantHoldAKernelOrArentPagesAreRejected() {
        assertThatThrownBy(() -> Layout.ramRegions(1L << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Layout.ramRegions((64L << 20) + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bootStructuresDoNotOverlap() {
        assertThat(Layout.IDT_START.value()).isGreaterThanOrEqualTo(Layout.GDT_START.value() + 8L * Gdt.ENTRIES.size());
        assertThat(Layout.ZERO_PAGE_START.value() + BootParams.SIZE).isLessThanOrEqualTo(Layout.BOOT_STACK_POINTER.value());
        assertThat(Layout.BOOT_STACK_POINTER.value()).isLessThan(PageTables.PML4.value());
        assertThat(PageTables.END.value()).isLessThanOrEqualTo(Layout.CMDLINE_START.value());
        assertThat(Layout.CMDLINE_START.value() + Layout.CMDLINE_MAX_SIZE).isLessThanOrEqualTo(Layout.EBDA_START.value());
        assertThat(Layout.RSDP_START.value()).isGreaterThan(Layout.EBDA_START.value());
    }

    @Test
    void devicesSitInTheMmioHole() {
        long hole = Layout.MMIO_HOLE_START.value();
        long last = Layout.virtioMmioBase(Layout.maxVirtioMmioDevices() - 1).value() + Layout.VIRTIO_MMIO_SIZE;
        assertThat(last).isLessThanOrEqualTo(Layout.IOAPIC_START.value());
        for (GuestAddress a : new GuestAddress[] {Layout.IOAPIC_START, Layout.LAPIC_START,
                Layout.KVM_IDENTITY_MAP_START, Layout.KVM_TSS_START}) {
            assertThat(a.value()).isBetween(hole, Layout.RAM_ABOVE_HOLE_START.value() - 0x1000);
        }
        // KVM's TSS takes three pages that must not run into anything
        assertThat(Layout.KVM_IDENTITY_MAP_START.value() + 0x1000).isEqualTo(Layout.KVM_TSS_START.value());
    }

    @Test
    void virtioSlotsGetConsecutiveWindowsAndIrqsFrom5() {
        assertThat(Layout.virtioMmioBase(0)).isEqualTo(GuestAddress.of(0xd000_0000L));
        assertThat(Layout.virtioMmioBase(2)).isEqualTo(GuestAddress.of(0xd000_2000L));
        assertThat(Layout.virtioMmioIrq(0)).isEqualTo(5);
        assertThat(Layout.virtioMmioIrq(3)).isEqualTo(8);
        assertThat(Layout.virtioMmioIrq(0)).isNotEqualTo(Layout.COM1_IRQ);
        assertThatThrownBy(() -> Layout.virtioMmioIrq(Layout.maxVirtioMmioDevices()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void firmwareEndsAt4GiBAndItsLast128KiBShowBelow1MiB() {
        Layout.FirmwareMap small = Layout.firmwareMap(0x1_0000);
        assertThat(small.base()).isEqualTo(GuestAddress.of(0xffff_0000L));
        assertThat(small.aliasBase()).isEqualTo(GuestAddress.of(0xf_0000));
        assertThat(small.aliasSize()).isEqualTo(0x1_0000);
        assertThat(small.aliasOffset()).isZero();
        Layout.FirmwareMap big = Layout.firmwareMap(Layout.FIRMWARE_MAX_SIZE);
        assertThat(big.base()).isEqualTo(GuestAddress.of(0xff00_0000L));
        assertThat(big.aliasBase()).isEqualTo(GuestAddress.of(0xe_0000));
        assertThat(big.aliasSize()).isEqualTo(0x2_0000);
        assertThat(big.aliasOffset()).isEqualTo(Layout.FIRMWARE_MAX_SIZE - 0x2_0000);
        assertThat(Layout.firmwareMap(0x1000).aliasBase()).isEqualTo(GuestAddress.of(0xf_f000));
    }

    @Test
    void firmwareSizesThatAreNotWholePagesUpTo16MiBAreRejected() {
        for (long size : new long[] {0, -4096, 0x800, 0x1_0001, Layout.FIRMWARE_MAX_SIZE + 0x1000}) {
            assertThatThrownBy(() -> Layout.firmwareMap(size)).as("size 0x%x", size)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theLargestFirmwareLeavesTheDevicesAndKvmsPagesAlone() {
        long fw = Layout.firmwareMap(Layout.FIRMWARE_MAX_SIZE).base().value();
        assertThat(Layout.KVM_TSS_START.value() + 3 * 0x1000).isLessThanOrEqualTo(fw);
        assertThat(Layout.LAPIC_START.value() + 0x1000).isLessThanOrEqualTo(Layout.KVM_IDENTITY_MAP_START.value());
        assertThat(Layout.IOAPIC_START.value()).isLessThan(fw);
    }

    @Test
    void firmwareRamLeavesAHoleExactlyWhereTheAliasIs() {
        Layout.FirmwareMap fw = Layout.firmwareMap(0x1_0000);
        assertThat(Layout.ramRegions(64L << 20, fw)).containsExactly(
                new Layout.RamRegion(GuestAddress.of(0), 0xf_0000),
                new Layout.RamRegion(Layout.HIGH_MEMORY_START, (64L << 20) - 0x10_0000));
        assertThat(Layout.ramRegions(8L << 30, Layout.firmwareMap(Layout.FIRMWARE_MAX_SIZE))).containsExactly(
                new Layout.RamRegion(GuestAddress.of(0), 0xe_0000),
                new Layout.RamRegion(Layout.HIGH_MEMORY_START, 0xd000_0000L - 0x10_0000),
                new Layout.RamRegion(GuestAddress.of(1L << 32), (8L << 30) - 0xd000_0000L));
    }

    @Test
    void fixedPortRangesDoNotOverlap() {
        var ports = Layout.FIXED_PORTS;
        for (int i = 0; i < ports.size(); i++) {
            for (int j = i + 1; j < ports.size(); j++) {
                assertThat(ports.get(i).overlaps(ports.get(j).base(), ports.get(j).length()))
                        .as("%s and %s", ports.get(i), ports.get(j)).isFalse();
            }
        }
    }
}
