package jvmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @Test
    void theColonFormRoundTripsInWireOrder() {
        MacAddress mac = MacAddress.parse("52:54:00:AB:cd:0f");

        assertThat(mac.octets()).containsExactly(0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f);
        assertThat(mac).hasToString("52:54:00:ab:cd:0f");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52-54-00-12-34-56", "5:54:00:12:34:56",
        "52:54:00:12:34:zz", "52:54:00:12:34:+5"})
    void malformedAddressesNameTheValueAndTheForm(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageContaining("52:54:00:12:34:56");
    }

    @Test
    void multicastAddressesAreRefused() {
        assertThatThrownBy(() -> MacAddress.parse("01:00:5e:00:00:01")).hasMessageContaining("multicast");
    }

    @RepeatedTest(20)
    void randomAddressesAreLocallyAdministeredUnicast() {
        byte first = MacAddress.random().octets()[0];

        assertThat(first & 1).isZero();
        assertThat(first & 2).isEqualTo(2);
    }
}
