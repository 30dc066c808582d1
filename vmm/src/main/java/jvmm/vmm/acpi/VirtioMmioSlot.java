package jvmm.vmm.acpi;

import jvmm.virtio.memory.GuestAddress;

/**
 * One virtio-mmio transport as the DSDT describes it.
 *
 * @param base its register window ({@link jvmm.vmm.arch.x86.Layout#virtioMmioBase})
 * @param size the window's size in bytes
 * @param gsi its interrupt ({@link jvmm.vmm.arch.x86.Layout#virtioMmioIrq})
 */
public record VirtioMmioSlot(GuestAddress base, long size, int gsi) {
    public VirtioMmioSlot {
        if (size <= 0 || gsi < 0) {
            throw new IllegalArgumentException("bad virtio-mmio slot: size %d, gsi %d".formatted(size, gsi));
        }
    }
}
