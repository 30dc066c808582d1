package jvmm.virtio.memory;

/**
 * A guest-physical address: an unsigned 64-bit value. Arithmetic is checked only: there is no way
 * to add raw longs to an address without an overflow check, since every address that comes from a
 * guest is untrusted.
 */
public record GuestAddress(long value) implements Comparable<GuestAddress> {

    public static GuestAddress of(long value) {
        return new GuestAddress(value);
    }

    /** This address plus {@code offset} (unsigned), or a {@link GuestMemoryException} on overflow. */
    public GuestAddress checkedAdd(long offset) {
        long sum = value + offset;
        if (Long.compareUnsigned(sum, value) < 0) {
            throw new GuestMemoryException(
                    "address overflow: 0x%x + 0x%x".formatted(value, offset));
        }
        return new GuestAddress(sum);
    }

    /** The unsigned distance from {@code base} to this address; {@code base} must not be above it. */
    public long offsetFrom(GuestAddress base) {
        if (Long.compareUnsigned(value, base.value) < 0) {
            throw new GuestMemoryException(
                    "address 0x%x below base 0x%x".formatted(value, base.value));
        }
        return value - base.value;
    }

    /** Whether this address is a multiple of {@code alignment} (a power of two). */
    public boolean isAligned(long alignment) {
        return (value & (alignment - 1)) == 0;
    }

    @Override
    public int compareTo(GuestAddress o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
