package jvmm.virtio.device;

/**
 * What an active device may tell its transport: the transport turns these into InterruptStatus
 * bits plus an interrupt, or into a queue notification. All methods are thread-safe.
 */
public interface DeviceSignals {

    /** Sets "used buffer" (InterruptStatus bit 0) and raises the interrupt. */
    void usedBuffers();

    /** Bumps ConfigGeneration, sets "configuration change" (bit 1) and raises the interrupt. */
    void configChanged();

    /**
     * Asks for {@link VirtioDevice#processQueue} of {@code queueIndex} to run on the queue
     * thread soon, e.g. because host input arrived for a receive queue.
     */
    void requestService(int queueIndex);
}
