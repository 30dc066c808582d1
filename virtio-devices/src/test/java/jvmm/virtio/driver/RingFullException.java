package jvmm.virtio.driver;

/** The driver refused a buffer because the ring has too few free descriptors (Linux: -ENOSPC). */
public final class RingFullException extends RuntimeException {
    public RingFullException(String message) {
        super(message);
    }
}
