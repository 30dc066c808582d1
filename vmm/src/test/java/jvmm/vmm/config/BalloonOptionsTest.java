package jvmm.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jvmm.virtio.balloon.BalloonConfig;
import org.junit.jupiter.api.Test;

class BalloonOptionsTest {

    @Test
    void parsesEveryOptionAndNothingMeansAnEmptyBalloon() {
        assertThat(BalloonOptions.parse("amount=600M,deflate-on-oom,stats-interval=5,free-page-reporting"))
                .isEqualTo(new BalloonConfig(600L << 20, true, 5, true));
        assertThat(BalloonOptions.parse("")).isEqualTo(BalloonConfig.empty());
        assertThat(BalloonOptions.parse("amount=256")).isEqualTo(new BalloonConfig(256L << 20, false, 0, false));
    }

    @Test
    void badValuesNameTheValueAndWhatIsValid() {
        assertThatThrownBy(() -> BalloonOptions.parse("amount=600M,inflate")).isInstanceOf(ConfigException.class)
                .hasMessage("--balloon 'amount=600M,inflate': unknown option 'inflate' "
                        + "(valid: amount=SIZE, deflate-on-oom, stats-interval=SECONDS, free-page-reporting)");
        assertThatThrownBy(() -> BalloonOptions.parse("stats-interval=-1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'-1' is not a whole number of seconds");
        assertThatThrownBy(() -> BalloonOptions.parse("amount=lots")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid size 'lots'");
        assertThatThrownBy(() -> BalloonOptions.parse("amount=100T")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--balloon 'amount=100T': balloon size");
    }

    @Test
    void theBalloonMayNotBeBiggerThanTheGuest() {
        var balloon = Optional.of(BalloonOptions.parse("amount=1G"));
        assertThatThrownBy(() -> new VmConfig(Path.of("k"), Optional.empty(), "", 512L << 20, 1, List.of(), List.of(),
                VmConfig.ConsoleMode.SERIAL, balloon))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--balloon amount=1G is more than the guest's memory (512M)");
    }
}
