package jvmm.vmm.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.sys.Tap;
import jvmm.virtio.net.MacAddress;
import jvmm.virtio.net.NetDevice;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.NetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --net against real interfaces: a TAP this test creates (root only), lo, and a missing name. */
class TapNetsTest {

    private final String name = "jvmmtn" + ProcessHandle.current().pid() % 100000;
    private boolean created;

    private static int ip(String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("ip"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @AfterEach
    void removeTap() throws Exception {
        if (created) {
            assertThat(ip("tuntap", "del", "dev", name, "mode", "tap")).isZero();
        }
    }

    @Test
    void anExistingTapGetsADeviceWithTheGivenMac() throws Exception {
        created = ip("tuntap", "add", "dev", name, "mode", "tap") == 0;
        assumeTrue(created, "creating a TAP needs CAP_NET_ADMIN and the ip tool");
        MacAddress mac = MacAddress.parse("52:54:00:aa:bb:cc");

        try (NetDevice net = TapNets.open(2, new NetConfig(name, Optional.of(mac)))) {
            assertThat(net.name()).isEqualTo("net2");
            assertThat(net.mac()).isEqualTo(mac);
            int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", name, "tun_flags")).trim());
            assertThat(flags & (Tap.IFF_TAP | Tap.IFF_NO_PI | Tap.IFF_VNET_HDR))
                    .isEqualTo(Tap.IFF_TAP | Tap.IFF_NO_PI | Tap.IFF_VNET_HDR);
        }
    }

    @Test
    void aMissingInterfaceIsAOneLineConfigError() {
        assertThatThrownBy(() -> TapNets.open(0, new NetConfig("jvmm-none0", Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--net tap=jvmm-none0: no such interface (create it first: ip tuntap add jvmm-none0 mode tap)");
        assertThat(Path.of("/sys/class/net/jvmm-none0")).as("nothing was created on the way").doesNotExist();
    }

    @Test
    void anInterfaceThatIsNotATapIsRefused() {
        assertThatThrownBy(() -> TapNets.open(0, new NetConfig("lo", Optional.empty())))
                .isInstanceOf(ConfigException.class).hasMessage("--net tap=lo: lo is not a TAP interface");
    }
}
