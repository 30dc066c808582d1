package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import jvmm.vmm.arch.x86.Layout;

/**
 * The Differentiated System Description Table: AML that tells the OS what it can't probe.
 *
 * <pre>
 * DefinitionBlock ("", "DSDT", 2, "JVMM  ", "JVMMDSDT", 1) {
 *     Name (_S5, Package () { 5, 5, 0, 0 })        // SLP_TYP for poweroff
 *     Scope (\_SB) {
 *         Device (COM1) {
 *             Name (_HID, EisaId ("PNP0501"))
 *             Name (_UID, One)
 *             Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3F8, 0x3F8, 0x08, 0x08)  IRQNoFlags () {4} })
 *         }
 *         Device (PS2K) {                           // the i8042: Linux maps IRQ 1 from here
 *             Name (_HID, EisaId ("PNP0303"))
 *             Name (_CRS, ResourceTemplate () {
 *                 IO (Decode16, 0x60, 0x60, 0x01, 0x01)  IO (Decode16, 0x64, 0x64, 0x01, 0x01)
 *                 IRQNoFlags () {1}
 *             })
 *         }
 *         Device (PEVT) {                           // pvpanic: the guest reports panics
 *             Name (_HID, "QEMU0001")
 *             Name (_CRS, ResourceTemplate () { IO (Decode16, 0x505, 0x505, 0x01, 0x01) })
 *         }
 *         Device (VR00) {                           // one per virtio-mmio transport
 *             Name (_HID, "LNRO0005")
 *             Name (_UID, 0)
 *             Name (_CCA, One)                      // DMA is cache-coherent
 *             Name (_CRS, ResourceTemplate () {
 *                 Memory32Fixed (ReadWrite, base, size)
 *                 Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { gsi }
 *             })
 *         }
 *     }
 * }
 * </pre>
 *
 * The virtio interrupts are edge-triggered, as Firecracker declares them: the VMM signals them
 * through irqfds without a resample fd, which KVM delivers as a pulse, an edge. (QEMU microvm
 * declares level with its own level-aware IOAPIC wiring.) Linux's virtio-mmio driver reads and
 * acknowledges InterruptStatus on every interrupt, so no cause is lost either way.
 *
 * <p>The legacy devices need their nodes even though their ports are fixed: with hardware-reduced
 * ACPI Linux has no legacy PIC and maps no ISA IRQ by itself, so a driver that probes the ports
 * directly can't request its IRQ (the i8042 probe fails with -EINVAL); the PNP node's IRQ
 * resource gets the interrupt mapped.
 */
public final class Dsdt {

    /** Revision 2: AML integers are 64-bit. */
    public static final int REVISION = 2;

    private Dsdt() {}

    public static byte[] build(List<VirtioMmioSlot> slots) {
        byte[] aml = Aml.concat(sleepStateS5(), Aml.scope("\\_SB_", devices(slots)));
        ByteBuffer b = Sdt.start("DSDT", Sdt.HEADER_SIZE + aml.length, REVISION);
        b.put(aml);
        return Sdt.seal(b);
    }

    /** {@code Name (_S5, Package () { 5, 5, 0, 0 })}: SLP_TYPa, SLP_TYPb, reserved, reserved. */
    static byte[] sleepStateS5() {
        byte[] type = Aml.integer(Layout.ACPI_S5_SLEEP_TYPE);
        return Aml.name("_S5_", Aml.pkg(type, type, Aml.integer(0), Aml.integer(0)));
    }

    private static byte[][] devices(List<VirtioMmioSlot> slots) {
        var out = new ArrayList<byte[]>();
        out.add(com1());
        out.add(ps2Keyboard());
        out.add(pvpanic());
        for (int i = 0; i < slots.size(); i++) {
            out.add(virtioMmio(i, slots.get(i)));
        }
        return out.toArray(byte[][]::new);
    }

    static byte[] com1() {
        return Aml.device("COM1",
                Aml.name("_HID", Aml.eisaId("PNP0501")),
                Aml.name("_UID", Aml.integer(1)),
                Aml.name("_CRS", new ResourceTemplate()
                        .io(Layout.COM1_PORT, Layout.COM1_PORT, 8, 8)
                        .irqNoFlags(Layout.COM1_IRQ)
                        .toAml()));
    }

    static byte[] ps2Keyboard() {
        return Aml.device("PS2K",
                Aml.name("_HID", Aml.eisaId("PNP0303")),
                Aml.name("_CRS", new ResourceTemplate()
                        .io(Layout.I8042_DATA_PORT, Layout.I8042_DATA_PORT, 1, 1)
                        .io(Layout.I8042_COMMAND_PORT, Layout.I8042_COMMAND_PORT, 1, 1)
                        .irqNoFlags(Layout.I8042_KBD_IRQ)
                        .toAml()));
    }

    static byte[] pvpanic() {
        return Aml.device("PEVT",
                Aml.name("_HID", Aml.string("QEMU0001")),
                Aml.name("_CRS", new ResourceTemplate()
                        .io(Layout.PVPANIC_PORT, Layout.PVPANIC_PORT, 1, 1)
                        .toAml()));
    }

    static byte[] virtioMmio(int index, VirtioMmioSlot slot) {
        if (index > 99) {
            throw new IllegalArgumentException("too many virtio-mmio devices for VRnn names: " + index);
        }
        return Aml.device("VR%02d".formatted(index),
                Aml.name("_HID", Aml.string("LNRO0005")),
                Aml.name("_UID", Aml.integer(index)),
                Aml.name("_CCA", Aml.integer(1)),
                Aml.name("_CRS", new ResourceTemplate()
                        .memory32Fixed(true, slot.base().value(), slot.size())
                        .extendedInterrupt(true, false, false, slot.gsi())
                        .toAml()));
    }
}
