package jvmm.virtio.queue;

/**
 * A device asked for more bytes than the guest put in the readable (or writable) part of a chain.
 * That is a malformed request, not a broken ring: the device answers it with an error status the
 * way its spec says and carries on.
 */
public final class ChainTooShortException extends Exception {
    public ChainTooShortException(String message) {
        super(message, null, false, false);
    }
}
