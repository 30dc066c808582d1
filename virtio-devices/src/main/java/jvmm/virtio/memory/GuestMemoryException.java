package jvmm.virtio.memory;

/**
 * An access to guest memory that is not backed by guest RAM, or address arithmetic that
 * overflowed. Addresses usually come from the guest: callers that parse guest structures catch
 * this and answer the guest the way the spec says; it never reaches a vCPU loop.
 */
public final class GuestMemoryException extends RuntimeException {
    public GuestMemoryException(String message) {
        super(message, null, false, false);
    }
}
