package jvmm.kvm.sys;

/**
 * A system call failed: names the operation, the errno number, its symbolic name and the C
 * library's description, e.g. {@code "KVM_CREATE_VM: EINVAL (Invalid argument)"}.
 *
 * <p>Checked on purpose: every caller of a syscall wrapper decides whether a failure is a user
 * problem (a missing /dev/kvm, a read-only disk image), an expected condition (EAGAIN, EINTR)
 * or a bug.
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    /**
     * @param operation what was attempted, e.g. {@code "open /dev/kvm"} or {@code "KVM_RUN"}
     * @param errno the errno value the call left
     */
    public ErrnoException(String operation, int errno) {
        super(operation + ": " + Errno.name(errno) + " (" + Errno.description(errno) + ")");
        this.operation = operation;
        this.errno = errno;
    }

    /** What was attempted. */
    public String operation() {
        return operation;
    }

    /** The errno number. */
    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code "EINVAL"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** Whether this failure carries the given errno. */
    public boolean is(int expectedErrno) {
        return errno == expectedErrno;
    }
}
