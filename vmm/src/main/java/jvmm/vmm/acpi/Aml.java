package jvmm.vmm.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small AML encoder (ACPI 6.5 chapter 20, "ACPI Machine Language Specification"): just the
 * terms a static DSDT needs, each returned as its encoded bytes so terms nest by plain
 * concatenation. There are no methods (control methods) here: every object is a Name whose value
 * the OS reads as data.
 */
public final class Aml {

    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int ONES_OP = 0xff;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0a;
    static final int WORD_PREFIX = 0x0b;
    static final int DWORD_PREFIX = 0x0c;
    static final int STRING_PREFIX = 0x0d;
    static final int QWORD_PREFIX = 0x0e;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int PACKAGE_OP = 0x12;
    static final int EXT_OP_PREFIX = 0x5b;
    static final int DEVICE_OP = 0x82;
    static final int ROOT_CHAR = '\\';
    static final int DUAL_NAME_PREFIX = 0x2e;
    static final int MULTI_NAME_PREFIX = 0x2f;
    /** The largest length a PkgLength can encode (28 bits). */
    static final int MAX_PKG_LENGTH = (1 << 28) - 1;

    private Aml() {}

    /**
     * A PkgLength for a package whose content (after the PkgLength) has {@code contentLength}
     * bytes. The encoded length counts the PkgLength's own bytes, so the encoding picks the
     * smallest of 1-4 bytes that can hold content plus itself: one byte holds up to 63, more bytes
     * put the low 4 bits in the lead byte and 8 bits in each following byte.
     */
    public static byte[] pkgLength(int contentLength) {
        for (int n = 1; n <= 4; n++) {
            long total = (long) contentLength + n;
            if (n == 1 && total <= 0x3f) {
                return new byte[] {(byte) total};
            }
            if (n > 1 && total < (1L << (4 + 8 * (n - 1)))) {
                byte[] out = new byte[n];
                out[0] = (byte) (((n - 1) << 6) | (total & 0xf));
                for (int i = 1; i < n; i++) {
                    out[i] = (byte) (total >>> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("AML package too long: " + contentLength);
    }

    /** One 4-character NameSeg: upper-case letters, digits and '_', padded with '_'. */
    public static byte[] nameSeg(String seg) {
        if (seg.isEmpty() || seg.length() > 4 || !seg.matches("[A-Z_][A-Z0-9_]*")) {
            throw new IllegalArgumentException("not an AML name segment: '" + seg + "'");
        }
        return (seg + "____".substring(seg.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /** A NameString: an optional leading '\' and one or more dot-separated segments. */
    public static byte[] nameString(String path) {
        var out = new ByteArrayOutputStream();
        String rest = path;
        if (rest.startsWith("\\")) {
            out.write(ROOT_CHAR);
            rest = rest.substring(1);
        }
        String[] segs = rest.split("\\.");
        if (segs.length == 2) {
            out.write(DUAL_NAME_PREFIX);
        } else if (segs.length > 2) {
            out.write(MULTI_NAME_PREFIX);
            out.write(segs.length);
        }
        for (String seg : segs) {
            out.writeBytes(nameSeg(seg));
        }
        return out.toByteArray();
    }

    /** {@code Name(path, value)}: binds a name to a data object. */
    public static byte[] name(String path, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameString(path), value);
    }

    /** An integer in the shortest encoding: Zero, One, Ones or a 1/2/4/8-byte constant. */
    public static byte[] integer(long value) {
        if (value == 0) {
            return new byte[] {ZERO_OP};
        }
        if (value == 1) {
            return new byte[] {ONE_OP};
        }
        if (value == -1) {
            return new byte[] {(byte) ONES_OP};
        }
        int prefix;
        int size;
        if ((value & ~0xffL) == 0) {
            prefix = BYTE_PREFIX;
            size = 1;
        } else if ((value & ~0xffffL) == 0) {
            prefix = WORD_PREFIX;
            size = 2;
        } else if ((value & ~0xffff_ffffL) == 0) {
            prefix = DWORD_PREFIX;
            size = 4;
        } else {
            prefix = QWORD_PREFIX;
            size = 8;
        }
        byte[] out = new byte[1 + size];
        out[0] = (byte) prefix;
        for (int i = 0; i < size; i++) {
            out[1 + i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    /** A NUL-terminated ASCII string constant. */
    public static byte[] string(String s) {
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(s) || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("AML strings are ASCII without NUL: " + s);
        }
        return concat(new byte[] {STRING_PREFIX}, s.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
    }

    /**
     * {@code EisaId("PNP0501")}: three letters packed 5 bits each and four hex digits, stored as a
     * DWord whose bytes read in the id's order.
     */
    public static byte[] eisaId(String id) {
        if (!id.matches("[A-Z]{3}[0-9A-F]{4}")) {
            throw new IllegalArgumentException("not an EISA id: " + id);
        }
        int letters = ((id.charAt(0) - 0x40) << 10) | ((id.charAt(1) - 0x40) << 5) | (id.charAt(2) - 0x40);
        int product = Integer.parseInt(id.substring(3), 16);
        return new byte[] {DWORD_PREFIX, (byte) (letters >> 8), (byte) letters,
                (byte) (product >> 8), (byte) product};
    }

    /** {@code Package() {elements}}: each element an encoded data object. */
    public static byte[] pkg(byte[]... elements) {
        if (elements.length > 255) {
            throw new IllegalArgumentException("AML package with more than 255 elements");
        }
        byte[] body = concat(new byte[] {(byte) elements.length}, concat(elements));
        return concat(new byte[] {PACKAGE_OP}, pkgLength(body.length), body);
    }

    /** {@code Buffer() {bytes}}, its size given as an integer. */
    public static byte[] buffer(byte[] bytes) {
        byte[] body = concat(integer(bytes.length), bytes);
        return concat(new byte[] {BUFFER_OP}, pkgLength(body.length), body);
    }

    /** {@code Device(name) {terms}}. */
    public static byte[] device(String name, byte[]... terms) {
        byte[] body = concat(nameString(name), concat(terms));
        return concat(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, pkgLength(body.length), body);
    }

    /** {@code Scope(path) {terms}}. */
    public static byte[] scope(String path, byte[]... terms) {
        byte[] body = concat(nameString(path), concat(terms));
        return concat(new byte[] {SCOPE_OP}, pkgLength(body.length), body);
    }

    /** The arrays one after the other. */
    public static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
