package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 36-byte header every ACPI system description table starts with (ACPI 6.5 section 5.2.6) and
 * the checksum that makes a table's bytes sum to zero. Tables are built in a heap buffer of their
 * final length: header first, then the body, then {@link #seal} fills in the checksum.
 */
public final class Sdt {

    public static final int HEADER_SIZE = 36;
    public static final int LENGTH_OFFSET = 4;
    public static final int REVISION_OFFSET = 8;
    public static final int CHECKSUM_OFFSET = 9;
    public static final String OEM_ID = "JVMM  ";
    public static final String CREATOR_ID = "JVMM";

    private Sdt() {}

    /** A little-endian buffer of {@code length} bytes with the header filled in, positioned after it. */
    static ByteBuffer start(String signature, int length, int revision) {
        if (signature.length() != 4) {
            throw new IllegalArgumentException("ACPI signatures have 4 characters: " + signature);
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii(signature));
        b.putInt(length);
        b.put((byte) revision);
        b.put((byte) 0); // checksum, set by seal()
        b.put(ascii(OEM_ID));
        b.put(ascii("JVMM" + signature)); // OEM table id, 8 bytes
        b.putInt(1); // OEM revision
        b.put(ascii(CREATOR_ID));
        b.putInt(1); // creator revision
        return b;
    }

    /** Sets the checksum byte so all bytes sum to 0 mod 256, and returns the table. */
    static byte[] seal(ByteBuffer table) {
        if (table.position() != table.capacity()) {
            throw new IllegalStateException("table %s filled %d of %d bytes"
                    .formatted(new String(table.array(), 0, 4, StandardCharsets.US_ASCII),
                            table.position(), table.capacity()));
        }
        byte[] bytes = table.array();
        bytes[CHECKSUM_OFFSET] = 0;
        bytes[CHECKSUM_OFFSET] = checksum(bytes, 0, bytes.length);
        return bytes;
    }

    /** The byte that, added to {@code bytes[from, to)}, makes the sum 0 mod 256. */
    public static byte checksum(byte[] bytes, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += bytes[i];
        }
        return (byte) -sum;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A Generic Address Structure (section 5.2.3.2) for a byte-wide register in I/O port space. */
    static void putIoPortGas(ByteBuffer b, int port) {
        b.put((byte) 1); // address space: system I/O
        b.put((byte) 8); // register bit width
        b.put((byte) 0); // register bit offset
        b.put((byte) 1); // access size: byte
        b.putLong(port);
    }
}
