package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A CPUID table ({@code struct kvm_cpuid2}): from KVM_GET_SUPPORTED_CPUID, edited, then given to
 * each vCPU with KVM_SET_CPUID2. {@link #copy()} gives each vCPU its own table to adjust.
 */
public final class Cpuid {
    private static final long NENT = KvmLayouts.offset(KvmLayouts.KVM_CPUID2, "nent");
    private static final long ENTRIES = KvmLayouts.offset(KvmLayouts.KVM_CPUID2, "entries");
    private static final long ENTRY_BYTES = KvmLayouts.KVM_CPUID_ENTRY2.byteSize();
    private static final String[] FIELDS = {"function", "index", "flags", "eax", "ebx", "ecx", "edx"};
    private static final long[] FIELD_OFFSETS = fieldOffsets();

    private final List<CpuidEntry> entries;

    /** A table of the given entries (copied into a new mutable list). */
    public Cpuid(List<CpuidEntry> entries) {
        this.entries = new ArrayList<>(entries);
    }

    /** The entries, mutable in place (add, remove, edit registers). */
    public List<CpuidEntry> entries() {
        return entries;
    }

    /** The entry for {@code cpuid(function, index)}, if present. */
    public Optional<CpuidEntry> find(int function, int index) {
        return entries.stream().filter(e -> e.function() == function && e.index() == index).findFirst();
    }

    /** A deep copy, for per-vCPU adjustment. */
    public Cpuid copy() {
        List<CpuidEntry> copied = new ArrayList<>(entries.size());
        for (CpuidEntry e : entries) {
            copied.add(new CpuidEntry(e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()));
        }
        return new Cpuid(copied);
    }

    /** A kvm_cpuid2 buffer with room for {@code capacity} entries and nent = capacity. */
    static MemorySegment allocate(Arena arena, int capacity) {
        MemorySegment buffer = arena.allocate(ENTRIES + capacity * ENTRY_BYTES, 8);
        buffer.set(JAVA_INT, NENT, capacity);
        return buffer;
    }

    /** Reads the entries of a kvm_cpuid2 that KVM filled. */
    static Cpuid decode(MemorySegment buffer) {
        int count = buffer.get(JAVA_INT, NENT);
        if (count < 0 || ENTRIES + count * ENTRY_BYTES > buffer.byteSize()) {
            throw new IllegalStateException("kvm_cpuid2 reports " + count + " entries, more than its buffer");
        }
        List<CpuidEntry> decoded = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long base = ENTRIES + i * ENTRY_BYTES;
            int[] v = new int[FIELDS.length];
            for (int f = 0; f < FIELDS.length; f++) {
                v[f] = buffer.get(JAVA_INT, base + FIELD_OFFSETS[f]);
            }
            decoded.add(new CpuidEntry(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
        }
        return new Cpuid(decoded);
    }

    /** Writes this table as a kvm_cpuid2. */
    MemorySegment encode(Arena arena) {
        MemorySegment buffer = allocate(arena, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry e = entries.get(i);
            long base = ENTRIES + i * ENTRY_BYTES;
            int[] v = {e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()};
            for (int f = 0; f < FIELDS.length; f++) {
                buffer.set(JAVA_INT, base + FIELD_OFFSETS[f], v[f]);
            }
        }
        return buffer;
    }

    private static long[] fieldOffsets() {
        long[] offsets = new long[FIELDS.length];
        for (int f = 0; f < FIELDS.length; f++) {
            offsets[f] = KvmLayouts.offset(KvmLayouts.KVM_CPUID_ENTRY2, FIELDS[f]);
        }
        return offsets;
    }

    @Override
    public String toString() {
        return "Cpuid" + Collections.unmodifiableList(entries);
    }
}
