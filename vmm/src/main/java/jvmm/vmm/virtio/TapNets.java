package jvmm.vmm.virtio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import jvmm.kvm.sys.Errno;
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
 * configured, so the name is looked up first, in /proc/self/net/dev: /sys/class/net shows the
 * network namespace of whoever mounted /sys, which after {@code unshare --net} is not ours.
 */
public final class TapNets {

    private static final Logger LOG = LogManager.getLogger(TapNets.class);
    /** The interfaces of our own network namespace (/sys may show another one's). */
    private static final Path NET_DEV = Path.of("/proc/self/net/dev");

    private TapNets() {
    }

    /**
     * The device {@code net<index>} on {@code config}'s TAP.
     *
     * @throws ConfigException when the interface doesn't exist, is not a TAP, or can't be attached to
     */
    public static NetDevice open(int index, NetConfig config) {
        if (!interfaces().contains(config.tap())) {
            throw new ConfigException("--net tap=%s: no such interface (create it first: ip tuntap add %s mode tap)"
                    .formatted(config.tap(), config.tap()));
        }
        TapBackend tap;
        try {
            tap = TapBackend.open(config.tap());
        } catch (ErrnoException e) {
            // TUNSETIFF answers EINVAL for an interface that exists but is not a TAP.
            throw new ConfigException(e.is(Errno.EINVAL)
                    ? "--net tap=%s: %s is not a TAP interface".formatted(config.tap(), config.tap())
                    : "--net tap=%s: can't attach to it: %s".formatted(config.tap(), e.getMessage()));
        }
        NetDevice net = new NetDevice("net" + index, tap, config.mac().orElseGet(MacAddress::random));
        LOG.debug("{} on TAP {}, MAC {}", net.name(), tap.interfaceName(), net.mac());
        return net;
    }

    /** The interface names of this process's network namespace. */
    private static Set<String> interfaces() {
        try {
            Set<String> names = new HashSet<>();
            for (String line : Files.readAllLines(NET_DEV)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    names.add(line.substring(0, colon).strip());
                }
            }
            return names;
        } catch (IOException e) {
            throw new ConfigException("--net: can't list the network interfaces in %s: %s".formatted(NET_DEV, e.getMessage()));
        }
    }
}
