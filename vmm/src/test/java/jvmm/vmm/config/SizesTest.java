package jvmm.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @ParameterizedTest
    @CsvSource({"512M,536870912", "2G,2147483648", "1536,1610612736", "64KiB,65536", "1g,1073741824", "4096B,4096"})
    void parsesSuffixesAsPowersOf1024(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1G", "1.5G", "12Q", "99999999999999999999"})
    void rejectsWhatIsNotASizeNamingTheValue(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(ConfigException.class).hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @CsvSource({"536870912,512M", "1073741824,1G", "1000,1000 bytes"})
    void formatsShort(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
    }
}
