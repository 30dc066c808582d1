package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * Reads ACPI tables back out of guest memory the way an OS does (RSDP -> XSDT -> FADT -> DSDT) and
 * rejects what Linux's ACPICA would: bad signatures, lengths or checksums. Written from the spec,
 * independently of the builders, so a builder bug can't hide behind its own helper.
 */
final class AcpiValidator {

    /** A table the validator refuses, with the reason. */
    static final class InvalidTable extends RuntimeException {
        InvalidTable(String message) {
            super(message);
        }
    }

    private AcpiValidator() {}

    /** Every table reachable from the RSDP, by signature, as raw bytes. */
    static Map<String, byte[]> read(GuestMemory memory, GuestAddress rsdpAddr) {
        byte[] rsdp = bytes(memory, rsdpAddr, 36);
        expect(new String(rsdp, 0, 8, StandardCharsets.US_ASCII).equals("RSD PTR "), "RSDP signature");
        expect(sum(rsdp, 20) == 0, "RSDP checksum over the first 20 bytes");
        expect(rsdp[15] >= 2, "RSDP revision >= 2");
        expect(le(rsdp).getInt(20) == 36, "RSDP length 36");
        expect(sum(rsdp, 36) == 0, "RSDP extended checksum");
        var tables = new LinkedHashMap<String, byte[]>();
        byte[] xsdt = table(memory, GuestAddress.of(le(rsdp).getLong(24)), "XSDT");
        tables.put("XSDT", xsdt);
        expect((xsdt.length - 36) % 8 == 0, "XSDT length is the header plus 8-byte entries");
        for (int off = 36; off < xsdt.length; off += 8) {
            GuestAddress at = GuestAddress.of(le(xsdt).getLong(off));
            byte[] t = table(memory, at, null);
            tables.put(signature(t), t);
        }
        byte[] fadt = tables.get("FACP");
        expect(fadt != null, "an FADT in the XSDT");
        long xDsdt = le(fadt).getLong(140);
        expect(xDsdt != 0 && le(fadt).getInt(40) == 0, "X_DSDT set and the 32-bit DSDT clear");
        tables.put("DSDT", table(memory, GuestAddress.of(xDsdt), "DSDT"));
        return tables;
    }

    private static byte[] table(GuestMemory memory, GuestAddress at, String wanted) {
        byte[] header = bytes(memory, at, 36);
        int length = le(header).getInt(4);
        expect(length >= 36 && length < 0x20000, "table length %d at %s".formatted(length, at));
        byte[] t = bytes(memory, at, length);
        if (wanted != null) {
            expect(signature(t).equals(wanted), "signature %s at %s, wanted %s".formatted(signature(t), at, wanted));
        }
        expect(sum(t, length) == 0, "checksum of %s at %s".formatted(signature(t), at));
        return t;
    }

    static String signature(byte[] table) {
        return new String(table, 0, 4, StandardCharsets.US_ASCII);
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bytes(GuestMemory memory, GuestAddress at, int length) {
        byte[] b = new byte[length];
        memory.read(at, b, 0, length);
        return b;
    }

    private static int sum(byte[] b, int length) {
        int s = 0;
        for (int i = 0; i < length; i++) {
            s += b[i];
        }
        return s & 0xff;
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new InvalidTable("invalid ACPI: " + what);
        }
    }
}
