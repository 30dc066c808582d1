package jvmm.vmm.acpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AmlTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void pkgLengthUsesOneByteUpTo63() {
        assertThat(Aml.pkgLength(0)).containsExactly(bytes(0x01));
        assertThat(Aml.pkgLength(62)).containsExactly(bytes(0x3f));
    }

    @Test
    void pkgLengthGrowsAndCountsItsOwnBytes() {
        // 63 bytes of content + 2 length bytes = 65 = 0x041: lead 0b01 << 6 | 0x1, then 0x04
        assertThat(Aml.pkgLength(63)).containsExactly(bytes(0x41, 0x04));
        // 0xffd + 2 = 0xfff: the largest 2-byte length
        assertThat(Aml.pkgLength(0xffd)).containsExactly(bytes(0x4f, 0xff));
        // 0xffe + 3 = 0x1001
        assertThat(Aml.pkgLength(0xffe)).containsExactly(bytes(0x81, 0x00, 0x01));
        // 0xffffc + 3 = 0xfffff: the largest 3-byte length
        assertThat(Aml.pkgLength(0xffffc)).containsExactly(bytes(0x8f, 0xff, 0xff));
        // 0xffffe + 4 = 0x100002
        assertThat(Aml.pkgLength(0xffffe)).containsExactly(bytes(0xc2, 0x00, 0x00, 0x01));
        assertThatThrownBy(() -> Aml.pkgLength(1 << 28)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void integersUseTheShortestEncoding() {
        assertThat(Aml.integer(0)).containsExactly(bytes(0x00));
        assertThat(Aml.integer(1)).containsExactly(bytes(0x01));
        assertThat(Aml.integer(-1)).containsExactly(bytes(0xff));
        assertThat(Aml.integer(5)).containsExactly(bytes(0x0a, 0x05));
        assertThat(Aml.integer(0x3f8)).containsExactly(bytes(0x0b, 0xf8, 0x03));
        assertThat(Aml.integer(0xd000_0000L)).containsExactly(bytes(0x0c, 0x00, 0x00, 0x00, 0xd0));
        assertThat(Aml.integer(0x1_0000_0000L)).containsExactly(bytes(0x0e, 0, 0, 0, 0, 1, 0, 0, 0));
    }

    @Test
    void namesArePaddedSegmentsWithPrefixes() {
        assertThat(Aml.nameString("_SB")).containsExactly('_', 'S', 'B', '_');
        assertThat(Aml.nameString("\\_SB_")).containsExactly('\\', '_', 'S', 'B', '_');
        assertThat(Aml.nameString("\\_SB_.VR00")).containsExactly(
                bytes('\\', 0x2e, '_', 'S', 'B', '_', 'V', 'R', '0', '0'));
        assertThat(Aml.nameString("A.B.C")).containsExactly(
                bytes(0x2f, 3, 'A', '_', '_', '_', 'B', '_', '_', '_', 'C', '_', '_', '_'));
        assertThatThrownBy(() -> Aml.nameSeg("toolong")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Aml.nameSeg("1ABC")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsAndEisaIds() {
        assertThat(Aml.string("AB")).containsExactly(bytes(0x0d, 'A', 'B', 0));
        // EisaId ("PNP0501") == 0x0105D041
        assertThat(Aml.eisaId("PNP0501")).containsExactly(bytes(0x0c, 0x41, 0xd0, 0x05, 0x01));
        assertThatThrownBy(() -> Aml.eisaId("pnp0501")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void packageWithIntegers() {
        // Name (_S5, Package () { 5, 5, 0, 0 })
        assertThat(Dsdt.sleepStateS5()).containsExactly(bytes(
                0x08, '_', 'S', '5', '_',
                0x12, 0x08, 0x04,
                0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00));
    }

    @Test
    void resourceTemplateForAVirtioMmioDevice() {
        // ResourceTemplate () {
        //     Memory32Fixed (ReadWrite, 0xD0000000, 0x00001000)
        //     Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 5 }
        // }
        byte[] crs = new ResourceTemplate().memory32Fixed(true, 0xd000_0000L, 0x1000)
                .extendedInterrupt(true, false, false, 5).toAml();

        assertThat(crs).containsExactly(bytes(
                0x11, 0x1a, 0x0a, 0x17,
                0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0xd0, 0x00, 0x10, 0x00, 0x00,
                0x89, 0x06, 0x00, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00,
                0x79, 0x00));
    }

    @Test
    void levelSharedActiveLowInterruptFlags() {
        byte[] crs = new ResourceTemplate().extendedInterrupt(false, true, true, 40).toAml();

        assertThat(crs[7]).as("consumer | active low | shared").isEqualTo((byte) 0x0d);
    }

    @Test
    void smallDsdtMatchesHandAssembledBytes() {
        // Device (VR00) {
        //     Name (_HID, "LNRO0005")
        //     Name (_UID, Zero)
        //     Name (_CCA, One)
        //     Name (_CRS, ResourceTemplate () {
        //         Memory32Fixed (ReadWrite, 0xD0000000, 0x00001000)
        //         Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 5 }
        //     })
        // }
        byte[] device = Dsdt.virtioMmio(0, new VirtioMmioSlot(jvmm.virtio.memory.GuestAddress.of(0xd000_0000L), 0x1000, 5));

        byte[] expected = bytes(
                0x5b, 0x82, 0x41, 0x04, 'V', 'R', '0', '0', // 63 bytes of content + 2 = PkgLength 0x041
                0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5', 0x00,
                0x08, '_', 'U', 'I', 'D', 0x00,
                0x08, '_', 'C', 'C', 'A', 0x01,
                0x08, '_', 'C', 'R', 'S',
                0x11, 0x1a, 0x0a, 0x17,
                0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0xd0, 0x00, 0x10, 0x00, 0x00,
                0x89, 0x06, 0x00, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00,
                0x79, 0x00);
        assertThat(device).containsExactly(expected);
    }

    @Test
    void com1DeviceMatchesHandAssembledBytes() {
        // Device (COM1) {
        //     Name (_HID, EisaId ("PNP0501"))
        //     Name (_UID, One)
        //     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x03F8, 0x03F8, 0x08, 0x08)  IRQNoFlags () {4} })
        // }
        assertThat(Dsdt.com1()).containsExactly(bytes(
                0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1', // 42 bytes of content + 1 = 0x2b
                0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
                0x08, '_', 'U', 'I', 'D', 0x01,
                0x08, '_', 'C', 'R', 'S',
                0x11, 0x10, 0x0a, 0x0d,
                0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x08, 0x08,
                0x22, 0x10, 0x00,
                0x79, 0x00));
    }

    @Test
    void ps2KeyboardDeviceMatchesHandAssembledBytes() {
        // Device (PS2K) {
        //     Name (_HID, EisaId ("PNP0303"))
        //     Name (_CRS, ResourceTemplate () {
        //         IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)  IO (Decode16, 0x0064, 0x0064, 0x01, 0x01)
        //         IRQNoFlags () {1}
        //     })
        // }
        assertThat(Dsdt.ps2Keyboard()).containsExactly(bytes(
                0x5b, 0x82, 0x2d, 'P', 'S', '2', 'K', // 44 bytes of content + 1 = 0x2d
                0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x03, 0x03,
                0x08, '_', 'C', 'R', 'S',
                0x11, 0x18, 0x0a, 0x15,
                0x47, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x01,
                0x47, 0x01, 0x64, 0x00, 0x64, 0x00, 0x01, 0x01,
                0x22, 0x02, 0x00,
                0x79, 0x00));
    }
}
