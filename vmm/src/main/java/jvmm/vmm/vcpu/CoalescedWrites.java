package jvmm.vmm.vcpu;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import jvmm.kvm.CoalescedRing;
import jvmm.kvm.Kvm;
import jvmm.kvm.KvmCap;
import jvmm.kvm.VcpuFd;
import jvmm.kvm.VmFd;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.TimerFd;
import jvmm.vmm.devices.Bus;
import jvmm.vmm.event.EventLoop;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Guest writes that KVM batches in its coalesced ring instead of exiting for each (KVM_CAP_COALESCED_PIO):
 * jvmm coalesces the serial port's transmit register, so a guest's console output costs one exit per
 * FIFO's worth of bytes (the 8250 driver's IIR/LSR reads) instead of one per byte, which matters
 * most where exits are dear (nested virtualization, the KVM sandbox).
 *
 * <p>A batched write reaches its device only when the ring is drained, so every vCPU drains it
 * before handling any exit ({@link #drain}): devices then see the guest's accesses in the order it
 * made them, and a read of the serial port's status sees every byte written before it. The event
 * loop also drains it every {@value #PERIOD_MILLIS} ms, for a guest that writes and then halts
 * (HLT does not leave KVM with an in-kernel irqchip), and the VMM drains it once more when the VM stops.
 * The loop's drain skips a round while a vCPU drains: that vCPU may be waiting for the console's
 * buffer (stdout not read), and the loop, which serves every virtqueue, must not wait with it.
 */
public final class CoalescedWrites {

    /** What a VM gets when its KVM can't coalesce port writes: every write exits, nothing to drain. */
    public static final CoalescedWrites NONE = new CoalescedWrites(null, null, null);

    static final long PERIOD_MILLIS = 100;
    private static final Logger LOG = LogManager.getLogger(CoalescedWrites.class);

    private final CoalescedRing ring;
    private final Bus pio;
    private final Bus mmio;
    private final ReentrantLock lock = new ReentrantLock();

    CoalescedWrites(CoalescedRing ring, Bus pio, Bus mmio) {
        this.ring = ring;
        this.pio = pio;
        this.mmio = mmio;
    }

    /**
     * Registers {@code ports} (base and length pairs) as coalesced on {@code vm} and arms the
     * periodic drain on {@code loop}; {@link #NONE} when KVM lacks coalesced port I/O.
     *
     * @param vcpu any vCPU of {@code vm}: the ring is mapped in each vCPU's mmap
     * @param owned where the timer goes, to be closed with the VM
     */
    public static CoalescedWrites setUp(Kvm kvm, VmFd vm, VcpuFd vcpu, Bus pio, Bus mmio, EventLoop loop,
            List<AutoCloseable> owned, long... ports) throws ErrnoException {
        int pageOffset = kvm.checkExtension(KvmCap.KVM_CAP_COALESCED_MMIO);
        if (pageOffset <= 0 || kvm.checkExtension(KvmCap.KVM_CAP_COALESCED_PIO) <= 0) {
            LOG.debug("KVM can't coalesce port writes: every serial byte exits");
            return NONE;
        }
        var writes = new CoalescedWrites(vcpu.coalescedRing(pageOffset), pio, mmio);
        for (int i = 0; i + 1 < ports.length; i += 2) {
            vm.registerCoalescedMmio(ports[i], (int) ports[i + 1], true);
        }
        TimerFd timer = TimerFd.create();
        owned.add(timer);
        loop.addTimer(timer, writes::drainUnlessBusy);
        timer.setInterval(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
        return writes;
    }

    /** Hands every batched write to its device, oldest first; from any thread. */
    public void drain() {
        if (ring == null) {
            return;
        }
        lock.lock();
        try {
            drainLocked();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #drain}, unless another thread is draining already: then false at once. */
    boolean drainUnlessBusy() {
        if (ring == null || !lock.tryLock()) {
            return false;
        }
        try {
            drainLocked();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void drainLocked() {
        ring.drain((isPio, address, data) -> (isPio ? pio : mmio).write(address, data));
    }
}
