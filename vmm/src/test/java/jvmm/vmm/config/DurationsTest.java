package jvmm.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void unitsAndBareSeconds() {
        assertThat(Durations.parse("90", "--timeout")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("90s", "--timeout")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("5m", "--timeout")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2H", "--timeout")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("250ms", "--timeout")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badValuesNameTheOptionTheValueAndTheForms() {
        assertThatThrownBy(() -> Durations.parse("soon", "--timeout")).isInstanceOf(ConfigException.class)
                .hasMessage("invalid --timeout 'soon': use a number with an optional ms, s, m or h suffix (e.g. 90s, 5m)");
        assertThatThrownBy(() -> Durations.parse("0s", "--timeout")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h", "--timeout")).hasMessageContaining("too long");
        assertThatThrownBy(() -> Durations.parse("9000000h", "--timeout")).hasMessageContaining("too long");
    }

    @Test
    void formatsShortAndLong() {
        assertThat(Durations.format(Duration.ofMillis(812))).isEqualTo("812 ms");
        assertThat(Durations.format(Duration.ofMillis(6150))).isEqualTo("6.2 s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5.0 min");
    }
}
