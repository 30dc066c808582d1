package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jvmm.virtio.memory.GuestAddress;

/**
 * The Root System Description Pointer, ACPI 2.0+ form (section 5.2.5.3): where the OS starts. It
 * points at the XSDT only (no RSDT) and carries two checksums: one over the ACPI 1.0 part (the
 * first 20 bytes) and one over all 36 bytes.
 */
public final class Rsdp {

    public static final int SIZE = 36;
    public static final int REVISION = 2;
    public static final int CHECKSUM_OFFSET = 8;
    public static final int V1_LENGTH = 20;
    public static final int LENGTH_OFFSET = 20;
    public static final int XSDT_ADDRESS_OFFSET = 24;
    public static final int EXTENDED_CHECKSUM_OFFSET = 32;

    private Rsdp() {}

    public static byte[] build(GuestAddress xsdt) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Sdt.ascii("RSD PTR "));
        b.put((byte) 0); // checksum
        b.put(Sdt.ascii(Sdt.OEM_ID));
        b.put((byte) REVISION);
        b.putInt(0); // no RSDT: 64-bit OSes use the XSDT
        b.putInt(SIZE);
        b.putLong(xsdt.value());
        byte[] bytes = b.array();
        bytes[CHECKSUM_OFFSET] = Sdt.checksum(bytes, 0, V1_LENGTH);
        bytes[EXTENDED_CHECKSUM_OFFSET] = Sdt.checksum(bytes, 0, SIZE);
        return bytes;
    }
}
