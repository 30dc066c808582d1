package jvmm.vmm.devices;

import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.EventFd;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An {@link IrqLine} (or any wake-up) that signals an eventfd: an irqfd, so KVM injects the GSI
 * without a vCPU exit, or an ioeventfd, so the event loop takes a queue's work.
 */
public record EventFdLine(EventFd efd, String what) implements IrqLine {

    private static final Logger LOG = LogManager.getLogger(EventFdLine.class);

    @Override
    public void trigger() {
        try {
            efd.signal();
        } catch (ErrnoException e) {
            if (!e.is(Errno.EAGAIN)) { // a saturated counter is a wake-up already pending
                LOG.warn("signalling {} failed: {}", what, e.getMessage());
            }
        }
    }
}
