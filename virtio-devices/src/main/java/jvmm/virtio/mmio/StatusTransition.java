package jvmm.virtio.mmio;

import static jvmm.virtio.DeviceStatus.ACKNOWLEDGE;
import static jvmm.virtio.DeviceStatus.DEVICE_NEEDS_RESET;
import static jvmm.virtio.DeviceStatus.DRIVER;
import static jvmm.virtio.DeviceStatus.DRIVER_OK;
import static jvmm.virtio.DeviceStatus.FAILED;
import static jvmm.virtio.DeviceStatus.FEATURES_OK;

import java.util.function.BooleanSupplier;

/**
 * The device status state machine of virtio 1.2, 3.1.1, as a pure function: which status a
 * non-zero write produces. Bits are only ever added (only a write of 0, handled by the transport,
 * clears them); ACKNOWLEDGE, DRIVER, FEATURES_OK and DRIVER_OK must come in that order, each
 * needing the one before; FAILED may be added at any time. DEVICE_NEEDS_RESET belongs to the
 * device: a driver writing back what it read keeps it, a driver cannot set it.
 */
final class StatusTransition {

    /** The driver-owned bits in the order a driver must set them. */
    private static final int[] ORDER = {ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK};
    private static final int DRIVER_BITS = ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK | FAILED;

    /** The outcome of a status write: the new status, or why it was refused (then null status change). */
    record Result(int status, String refusal) {
        boolean refused() {
            return refusal != null;
        }

        boolean added(int current, int bit) {
            return (current & bit) == 0 && (status & bit) != 0;
        }
    }

    private StatusTransition() {
    }

    /**
     * The status after the driver writes {@code written} (non-zero) over {@code current}.
     * {@code featuresAcceptable} is asked when FEATURES_OK is being added: if it says no, the
     * device does not set FEATURES_OK (nor anything after it), which is how a device refuses a
     * feature set (3.1.1 step 6: the driver re-reads the status to find out).
     */
    static Result apply(int current, int written, BooleanSupplier featuresAcceptable) {
        int deviceBits = current & DEVICE_NEEDS_RESET;
        int have = current & DRIVER_BITS;
        int want = written & ~DEVICE_NEEDS_RESET;
        if ((want & ~DRIVER_BITS) != 0) {
            return new Result(current, "unknown status bits 0x%x".formatted(want & ~DRIVER_BITS));
        }
        if ((want & have) != have) {
            return new Result(current, "status 0x%x would clear bits of 0x%x; only a reset (0) clears bits"
                    .formatted(written, current));
        }
        int next = have;
        int added = want & ~have;
        for (int i = 0; i < ORDER.length; i++) {
            int bit = ORDER[i];
            if ((added & bit) == 0) {
                continue;
            }
            if (i > 0 && (next & ORDER[i - 1]) == 0) {
                return new Result(current, "status 0x%x sets 0x%x before 0x%x".formatted(written, bit, ORDER[i - 1]));
            }
            if (bit == FEATURES_OK && !featuresAcceptable.getAsBoolean()) {
                // Refuse the feature set: FEATURES_OK and everything after it stay clear.
                return new Result(next | (added & FAILED) | deviceBits, null);
            }
            next |= bit;
        }
        return new Result(next | (added & FAILED) | deviceBits, null);
    }
}
