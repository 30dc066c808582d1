package jvmm.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A view of one {@code struct kvm_segment} inside a {@link Sregs}: writes go straight into the
 * sregs that KVM_SET_SREGS will load. Fields are the unpacked form of a segment descriptor
 * (type, S, DPL, P, AVL, L, D/B, G) plus base, limit and selector.
 */
public final class KvmSegment {
    private static final long BASE = offset("base");
    private static final long LIMIT = offset("limit");
    private static final long SELECTOR = offset("selector");
    private static final long TYPE = offset("type");
    private static final long PRESENT = offset("present");
    private static final long DPL = offset("dpl");
    private static final long DB = offset("db");
    private static final long S = offset("s");
    private static final long L = offset("l");
    private static final long G = offset("g");
    private static final long AVL = offset("avl");
    private static final long UNUSABLE = offset("unusable");

    private final MemorySegment segment;

    KvmSegment(MemorySegment segment) {
        this.segment = segment;
    }

    private static long offset(String member) {
        return KvmLayouts.offset(KvmLayouts.KVM_SEGMENT, member);
    }

    public long base() { return segment.get(JAVA_LONG, BASE); }
    public void base(long value) { segment.set(JAVA_LONG, BASE, value); }
    public int limit() { return segment.get(JAVA_INT, LIMIT); }
    public void limit(int value) { segment.set(JAVA_INT, LIMIT, value); }
    public int selector() { return Short.toUnsignedInt(segment.get(JAVA_SHORT, SELECTOR)); }
    public void selector(int value) { segment.set(JAVA_SHORT, SELECTOR, (short) value); }
    public int type() { return byteAt(TYPE); }
    public void type(int value) { byteAt(TYPE, value); }
    public int present() { return byteAt(PRESENT); }
    public void present(int value) { byteAt(PRESENT, value); }
    public int dpl() { return byteAt(DPL); }
    public void dpl(int value) { byteAt(DPL, value); }
    public int db() { return byteAt(DB); }
    public void db(int value) { byteAt(DB, value); }
    public int s() { return byteAt(S); }
    public void s(int value) { byteAt(S, value); }
    public int l() { return byteAt(L); }
    public void l(int value) { byteAt(L, value); }
    public int g() { return byteAt(G); }
    public void g(int value) { byteAt(G, value); }
    public int avl() { return byteAt(AVL); }
    public void avl(int value) { byteAt(AVL, value); }
    public int unusable() { return byteAt(UNUSABLE); }
    public void unusable(int value) { byteAt(UNUSABLE, value); }

    private int byteAt(long offset) {
        return Byte.toUnsignedInt(segment.get(JAVA_BYTE, offset));
    }

    private void byteAt(long offset, int value) {
        segment.set(JAVA_BYTE, offset, (byte) value);
    }

    @Override
    public String toString() {
        return "KvmSegment[base=" + Long.toHexString(base()) + " limit=" + Integer.toHexString(limit())
                + " selector=" + Integer.toHexString(selector()) + " type=" + type() + " p=" + present()
                + " dpl=" + dpl() + " db=" + db() + " s=" + s() + " l=" + l() + " g=" + g() + "]";
    }
}
