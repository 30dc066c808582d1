package jvmm.vmm.devices;

/**
 * An edge-triggered interrupt into the guest. In the VMM it writes an irqfd's eventfd, so KVM
 * injects the GSI without a vCPU exit; in tests it counts.
 */
@FunctionalInterface
public interface IrqLine {
    void trigger();
}
