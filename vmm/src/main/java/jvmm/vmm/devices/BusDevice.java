package jvmm.vmm.devices;

/**
 * A device on the port I/O or MMIO bus: a register state machine that a vCPU thread drives.
 * Offsets are relative to the device's base; {@code data} holds 1, 2, 4 or 8 bytes, little-endian.
 * Implementations must be quick and never block: they run on vCPU threads.
 */
public interface BusDevice {

    /** Fills {@code data} with the value the guest reads at {@code offset}. */
    void read(long offset, byte[] data);

    /** Takes the value the guest writes at {@code offset}. */
    void write(long offset, byte[] data);
}
