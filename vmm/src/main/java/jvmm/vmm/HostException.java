package jvmm.vmm;

/**
 * A problem with the host rather than the user's input: /dev/kvm missing or not permitted, an
 * unsupported KVM, a KVM that can't run the guest. The message is one line for the user.
 */
public final class HostException extends Exception {

    private final int exitCode;

    public HostException(String message) {
        this(message, null, 1);
    }

    public HostException(String message, Throwable cause) {
        this(message, cause, 1);
    }

    public HostException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
