package jvmm.virtio.mmio;

import jvmm.virtio.VirtioFeatures;

/**
 * The feature bits the driver accepted, as written through DriverFeaturesSel / DriverFeatures in
 * 32-bit words, and the check the device makes when the driver sets FEATURES_OK (virtio 1.2,
 * 2.2 and 6.1): only offered bits, and VIRTIO_F_VERSION_1 among them. Not thread-safe: the
 * transport holds its register lock.
 */
final class FeatureNegotiation {

    private int select;
    private long accepted;
    /** The driver set a bit in word 2 or higher, where nothing is offered. */
    private boolean beyondWord1;

    /** Word {@code select} (0 = bits 0..31, 1 = bits 32..63) of {@code features}; 0 beyond. */
    static int word(long features, int select) {
        return switch (select) {
            case 0 -> (int) features;
            case 1 -> (int) (features >>> 32);
            default -> 0;
        };
    }

    void select(int word) {
        select = word;
    }

    /** DriverFeatures: replaces the selected word. */
    void write(int value) {
        switch (select) {
            case 0 -> accepted = (accepted & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(value);
            case 1 -> accepted = (accepted & 0xFFFF_FFFFL) | ((long) value << 32);
            default -> beyondWord1 |= value != 0;
        }
    }

    long accepted() {
        return accepted;
    }

    /** Why the accepted set is not acceptable for a device offering {@code offered}, or null if it is. */
    String refusal(long offered) {
        if ((accepted & ~offered) != 0 || beyondWord1) {
            return "the guest accepted features 0x%x (beyond word 1: %b) that were not offered (0x%x)"
                    .formatted(accepted & ~offered, beyondWord1, offered);
        }
        if (!VirtioFeatures.has(accepted, VirtioFeatures.VIRTIO_F_VERSION_1)) {
            return "the guest did not accept VIRTIO_F_VERSION_1 (legacy drivers are not supported)";
        }
        return null;
    }

    void reset() {
        select = 0;
        accepted = 0;
        beyondWord1 = false;
    }
}
