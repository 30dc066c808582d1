package jvmm.vmm.virtio;

import java.nio.file.Files;
import java.nio.file.Path;
import jvmm.kvm.sys.ErrnoException;
import jvmm.virtio.net.MacAddress;
import jvmm.virtio.net.NetDevice;
import jvmm.virtio.net.TapBackend;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.NetConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Opens the TAP of a {@code --net} and puts a virtio-net device on it. Only existing TAP
 * interfaces are used: TUNSETIFF on a free name would quietly create a new interface that no one
 * configured, so the name is looked up in /sys/class/net first.
 */
public final class TapNets {

    private static final Logger LOG = LogManager.getLogger(TapNets.class);
    private static final Path SYS_NET = Path.of("/sys/class/net");

    private TapNets() {
    }

    /**
     * The device {@code net<index>} on {@code config}'s TAP.
     *
     * @throws ConfigException when the interface doesn't exist, is not a TAP, or can't be attached to
     */
    public static NetDevice open(int index, NetConfig config) {
        Path sys = SYS_NET.resolve(config.tap());
        if (!Files.exists(sys.resolve("tun_flags"))) {
            throw new ConfigException(Files.exists(sys)
                    ? "--net tap=%s: %s is not a TAP interface".formatted(config.tap(), config.tap())
                    : "--net tap=%s: no such interface (create it first: ip tuntap add %s mode tap)"
                            .formatted(config.tap(), config.tap()));
        }
        TapBackend tap;
        try {
            tap = TapBackend.open(config.tap());
        } catch (ErrnoException e) {
            throw new ConfigException("--net tap=%s: can't attach to it: %s".formatted(config.tap(), e.getMessage()));
        }
        NetDevice net = new NetDevice("net" + index, tap, config.mac().orElseGet(MacAddress::random));
        LOG.debug("{} on TAP {}, MAC {}", net.name(), tap.interfaceName(), net.mac());
        return net;
    }
}
