package jvmm.vmm;

/** Why a VM stopped, and the VMM's exit code for it. */
public enum ExitReason {
    /** The guest powered off (ACPI S5). */
    POWEROFF(0),
    /** The guest asked for a reset (i8042, ACPI reset register, triple fault): the VM ends. */
    REBOOT(0),
    /** The guest kernel panicked (pvpanic), whatever it did next. */
    GUEST_PANIC(3),
    /** KVM could not run the guest (entry failure, emulation failure, internal error). */
    VM_ERROR(1),
    /** SIGINT or SIGTERM, or the console escape sequence. */
    STOPPED(130),
    /**
     * The guest wrote to the isa-debug-exit port (--debug-exit): the VMM exits with the status
     * the guest asked for, {@link VmLifecycle#exitCode()}; 1 is only this constant's placeholder.
     */
    DEBUG_EXIT(1);

    private final int exitCode;

    ExitReason(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
