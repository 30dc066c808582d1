package jvmm.vmm.config;

import java.util.Objects;
import java.util.Optional;
import jvmm.virtio.net.MacAddress;

/**
 * One virtio-net NIC on a TAP interface: {@code --net tap=NAME[,mac=MAC]}. Parsing checks the
 * syntax only; whether the TAP exists and can be opened is checked where the VM runs (inside the
 * KVM sandbox that is another kernel), before the guest starts.
 *
 * @param tap the name of an existing TAP interface
 * @param mac the guest's MAC address; a random locally administered one when empty
 */
public record NetConfig(String tap, Optional<MacAddress> mac) {

    /** Interface names are shorter than IFNAMSIZ (16). */
    public static final int MAX_NAME = 15;

    public NetConfig {
        Objects.requireNonNull(tap, "tap");
        Objects.requireNonNull(mac, "mac");
        if (tap.isEmpty() || tap.length() > MAX_NAME || tap.equals(".") || tap.equals("..")
                || !tap.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':' && c != '%')) {
            throw new ConfigException("--net tap=%s: not an interface name (1 to %d characters, no '/', ':', '%%' or spaces)"
                    .formatted(tap, MAX_NAME));
        }
    }

    /** Parses {@code tap=NAME[,mac=MAC]}. */
    public static NetConfig parse(String spec) {
        String tap = null;
        Optional<MacAddress> mac = Optional.empty();
        for (String part : spec.split(",", -1)) {
            if (part.startsWith("tap=")) {
                tap = part.substring(4);
            } else if (part.startsWith("mac=")) {
                try {
                    mac = Optional.of(MacAddress.parse(part.substring(4)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--net '%s': %s".formatted(spec, e.getMessage()));
                }
            } else {
                throw new ConfigException("--net '%s': unknown option '%s' (valid: tap=NAME, mac=MAC)".formatted(spec, part));
            }
        }
        if (tap == null) {
            throw new ConfigException("--net '%s': missing tap=NAME (tap=NAME[,mac=MAC])".formatted(spec));
        }
        return new NetConfig(tap, mac);
    }
}
