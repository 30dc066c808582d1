package jvmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BalloonConfigTest {

    @Test
    void amountIsKeptInWholePages() {
        var config = new BalloonConfig((600L << 20) + 4095, true, 5, false);
        assertThat(config.amountPages()).isEqualTo(600L << 8);
        assertThat(config.stats()).isTrue();
        assertThat(BalloonConfig.empty().stats()).isFalse();
    }

    @Test
    void badValuesNameThemselvesAndWhatIsValid() {
        assertThatThrownBy(() -> new BalloonConfig(-4096, false, 0, false))
                .hasMessage("balloon size -4096 bytes is invalid; use 0 to 17592186040320 bytes (2^32 - 1 pages of 4 KiB)");
        assertThatThrownBy(() -> new BalloonConfig(1L << 44, false, 0, false))
                .hasMessageContaining("17592186044416");
        assertThatThrownBy(() -> new BalloonConfig(0, false, -1, false))
                .hasMessage("balloon stats interval -1 s is invalid; use 0 (no statistics) or more seconds");
    }
}
