package jvmm.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jvmm.virtio.net.MacAddress;
import org.junit.jupiter.api.Test;

class NetConfigTest {

    @Test
    void parsesTheTapAndAnOptionalMac() {
        NetConfig n = NetConfig.parse("tap=tap0,mac=52:54:00:00:00:01");

        assertThat(n.tap()).isEqualTo("tap0");
        assertThat(n.mac()).hasValue(MacAddress.parse("52:54:00:00:00:01"));
        assertThat(NetConfig.parse("tap=jvmm-tap1").mac()).isEmpty();
    }

    @Test
    void badSpecsNameTheValueAndWhatIsValid() {
        assertThatThrownBy(() -> NetConfig.parse("tap0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'tap0'").hasMessageContaining("tap=NAME, mac=MAC");
        assertThatThrownBy(() -> NetConfig.parse("mac=52:54:00:00:00:01")).hasMessageContaining("missing tap=NAME");
        assertThatThrownBy(() -> NetConfig.parse("tap=tap0,mac=52:54:00")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'52:54:00'");
        assertThatThrownBy(() -> NetConfig.parse("tap=a-name-far-too-long")).hasMessageContaining("1 to 15 characters");
        assertThatThrownBy(() -> NetConfig.parse("tap=a/b")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> NetConfig.parse("tap=")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> NetConfig.parse("tap=t%d")).isInstanceOf(ConfigException.class);
    }
}
