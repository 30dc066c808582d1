package jvmm.vmm.acpi;

import java.nio.ByteBuffer;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;

/** The Extended System Description Table (section 5.2.8): 64-bit pointers to every other table but the DSDT. */
public final class Xsdt {

    public static final int REVISION = 1;

    private Xsdt() {}

    public static byte[] build(List<GuestAddress> tables) {
        ByteBuffer b = Sdt.start("XSDT", Sdt.HEADER_SIZE + 8 * tables.size(), REVISION);
        for (GuestAddress t : tables) {
            b.putLong(t.value());
        }
        return Sdt.seal(b);
    }
}
