package jvmm.vmm.loader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian reads from a file image; callers check the bounds first (with a reason). */
final class LeBytes {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LeBytes() {}

    static int u8(MemorySegment b, long off) {
        return b.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    static int u16(MemorySegment b, long off) {
        return b.get(U16, off) & 0xffff;
    }

    static long u32(MemorySegment b, long off) {
        return b.get(U32, off) & 0xffff_ffffL;
    }

    static long u64(MemorySegment b, long off) {
        return b.get(U64, off);
    }
}
