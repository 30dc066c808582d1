package jvmm.virtio.net;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A 48-bit Ethernet address. {@link #parse} takes the colon form ({@code 52:54:00:12:34:56});
 * {@link #random()} makes a locally administered unicast one.
 */
public record MacAddress(long value) {

    public MacAddress {
        if ((value & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits: 0x" + Long.toHexString(value));
        }
    }

    /** Parses six colon-separated hex octets; the message names the value and the form expected. */
    public static MacAddress parse(String text) {
        String[] parts = text.split(":", -1);
        long value = 0;
        boolean ok = parts.length == 6;
        for (int i = 0; ok && i < parts.length; i++) {
            ok = parts[i].length() == 2 && HexFormat.isHexDigit(parts[i].charAt(0))
                    && HexFormat.isHexDigit(parts[i].charAt(1));
            if (ok) {
                value = value << 8 | HexFormat.fromHexDigits(parts[i]);
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("MAC address '%s' is invalid; use six hex octets like 52:54:00:12:34:56"
                    .formatted(text));
        }
        MacAddress mac = new MacAddress(value);
        if (mac.isMulticast()) {
            throw new IllegalArgumentException("MAC address '%s' is a multicast address; a NIC needs a unicast one"
                    .formatted(text));
        }
        return mac;
    }

    /** A random unicast address with the locally administered bit set (02:xx:...). */
    public static MacAddress random() {
        long bits = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL;
        return new MacAddress((bits & ~(1L << 40)) | (1L << 41));
    }

    /** The group bit of the first octet. */
    public boolean isMulticast() {
        return (value & (1L << 40)) != 0;
    }

    /** The six octets, first one first (wire order). */
    public byte[] octets() {
        byte[] octets = new byte[6];
        for (int i = 0; i < 6; i++) {
            octets[i] = (byte) (value >>> (8 * (5 - i)));
        }
        return octets;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(octets());
    }
}
