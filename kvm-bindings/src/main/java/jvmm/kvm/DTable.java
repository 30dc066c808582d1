package jvmm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** A view of the GDTR or IDTR ({@code struct kvm_dtable}) inside a {@link Sregs}. */
public final class DTable {
    private static final long BASE = KvmLayouts.offset(KvmLayouts.KVM_DTABLE, "base");
    private static final long LIMIT = KvmLayouts.offset(KvmLayouts.KVM_DTABLE, "limit");

    private final MemorySegment segment;

    DTable(MemorySegment segment) {
        this.segment = segment;
    }

    public long base() { return segment.get(JAVA_LONG, BASE); }
    public void base(long value) { segment.set(JAVA_LONG, BASE, value); }
    public int limit() { return Short.toUnsignedInt(segment.get(JAVA_SHORT, LIMIT)); }
    public void limit(int value) { segment.set(JAVA_SHORT, LIMIT, (short) value); }

    @Override
    public String toString() {
        return "DTable[base=" + Long.toHexString(base()) + " limit=" + Integer.toHexString(limit()) + "]";
    }
}
