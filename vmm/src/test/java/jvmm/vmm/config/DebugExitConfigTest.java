package jvmm.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DebugExitConfigTest {

    @Test
    void defaultsToQemusPortAndTakesHexOrDecimal() {
        assertThat(DebugExitConfig.parse("").iobase()).isEqualTo(0x501);
        assertThat(DebugExitConfig.parse("iobase=0xf4").iobase()).isEqualTo(0xf4);
        assertThat(DebugExitConfig.parse("iobase=0X600").iobase()).isEqualTo(0x600);
        assertThat(DebugExitConfig.parse("iobase=1281").iobase()).isEqualTo(0x501);
    }

    @Test
    void badValuesNameTheValueAndWhatIsValid() {
        assertThatThrownBy(() -> DebugExitConfig.parse("port=0x501")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'port=0x501'").hasMessageContaining("iobase=PORT");
        assertThatThrownBy(() -> DebugExitConfig.parse("iobase=0xzz")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'0xzz'").hasMessageContaining("not a port number");
        assertThatThrownBy(() -> DebugExitConfig.parse("iobase=")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> DebugExitConfig.parse("iobase=0xffff")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("0xffff").hasMessageContaining("0x0..0xfffe");
        assertThatThrownBy(() -> DebugExitConfig.parse("iobase=-1")).isInstanceOf(ConfigException.class);
    }

    @Test
    void portsOfOurOwnDevicesAreRefusedByName() {
        assertThatThrownBy(() -> DebugExitConfig.parse("iobase=0x3f7")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("COM1").hasMessageContaining("0x3f8-0x3ff");
        assertThatThrownBy(() -> DebugExitConfig.parse("iobase=0x504")).hasMessageContaining("pvpanic");
        assertThat(DebugExitConfig.parse("iobase=0x503").iobase()).isEqualTo(0x503); // 0x503-0x504: free
    }
}
