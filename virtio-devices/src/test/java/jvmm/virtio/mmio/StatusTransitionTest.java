package jvmm.virtio.mmio;

import static jvmm.virtio.DeviceStatus.ACKNOWLEDGE;
import static jvmm.virtio.DeviceStatus.DEVICE_NEEDS_RESET;
import static jvmm.virtio.DeviceStatus.DRIVER;
import static jvmm.virtio.DeviceStatus.DRIVER_OK;
import static jvmm.virtio.DeviceStatus.FAILED;
import static jvmm.virtio.DeviceStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status state machine as a pure function. */
class StatusTransitionTest {

    private static final int ALL = ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK;

    @ParameterizedTest(name = "0x{0} -> 0x{1} gives 0x{2}")
    @CsvSource({
        "0, 1, 1",
        "1, 3, 3",
        "3, 11, 11",
        "11, 15, 15",
        "0, 3, 3",     // ACKNOWLEDGE and DRIVER in one write, in order
        "0, 15, 15",   // the whole sequence at once
        "1, 129, 129", // FAILED at any time
        "15, 143, 143",
    })
    void addsBitsInOrder(int current, int written, int expected) {
        var result = StatusTransition.apply(current, written, () -> true);
        assertThat(result.refused()).isFalse();
        assertThat(result.status()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "0x{0} -> 0x{1} is refused")
    @CsvSource({
        "0, 2",    // DRIVER before ACKNOWLEDGE
        "1, 9",    // FEATURES_OK before DRIVER
        "3, 7",    // DRIVER_OK before FEATURES_OK
        "3, 1",    // clears DRIVER
        "15, 11",  // clears DRIVER_OK
        "1, 17",   // unknown bit 0x10
    })
    void refusesOutOfOrderOrClearingWrites(int current, int written) {
        var result = StatusTransition.apply(current, written, () -> true);
        assertThat(result.refused()).isTrue();
        assertThat(result.status()).isEqualTo(current);
    }

    @Test
    void refusedFeaturesLeaveFeaturesOkAndDriverOkClear() {
        var result = StatusTransition.apply(ACKNOWLEDGE | DRIVER, ALL, () -> false);
        assertThat(result.refused()).isFalse();
        assertThat(result.status()).isEqualTo(ACKNOWLEDGE | DRIVER);
    }

    @Test
    void needsResetBelongsToTheDevice() {
        assertThat(StatusTransition.apply(ALL | DEVICE_NEEDS_RESET, ALL | FAILED, () -> true).status())
                .as("a write without it does not clear it")
                .isEqualTo(ALL | FAILED | DEVICE_NEEDS_RESET);
        assertThat(StatusTransition.apply(ACKNOWLEDGE, ACKNOWLEDGE | DEVICE_NEEDS_RESET, () -> true).status())
                .as("a driver cannot set it").isEqualTo(ACKNOWLEDGE);
    }

    @Test
    void featuresAreAskedOnlyWhenFeaturesOkIsAdded() {
        var asked = new int[1];
        StatusTransition.apply(ACKNOWLEDGE, ACKNOWLEDGE | DRIVER, () -> {
            asked[0]++;
            return true;
        });
        assertThat(asked[0]).isZero();
    }
}
