package jvmm.virtio.device;

/**
 * The one interrupt line of a transport. In the VMM it writes the device's irqfd, so KVM injects
 * the GSI without a vCPU exit; in tests it counts. Called from the event-loop thread (used
 * buffers) and from whichever thread broke a queue; it must be thread-safe and must not block.
 */
@FunctionalInterface
public interface InterruptLine {
    void trigger();
}
