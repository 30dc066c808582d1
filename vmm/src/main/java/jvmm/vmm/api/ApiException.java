package jvmm.vmm.api;

/** A request the API refuses: the HTTP status and the one-line fault message for the client. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
