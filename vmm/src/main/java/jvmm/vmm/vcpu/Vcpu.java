package jvmm.vmm.vcpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import jvmm.kvm.VcpuExit;
import jvmm.kvm.VcpuFd;
import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Signals;
import jvmm.vmm.ExitReason;
import jvmm.vmm.VmLifecycle;
import jvmm.vmm.devices.Bus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One vCPU on its own platform thread (KVM_RUN blocks in native code), looping over KVM_RUN and
 * dispatching each exit to the buses. It never does device I/O itself beyond the register state
 * machines of the buses' devices.
 *
 * <p>Stopping: the thread blocks {@link #KICK_SIGNAL} in its own mask but tells KVM to leave it
 * unblocked inside KVM_RUN; {@link #kick} sets immediate_exit and sends that signal to the thread,
 * so a vCPU in the guest or about to enter it returns EINTR, and the pending signal is consumed
 * without any Java signal handler. Kicks are only sent while the thread is in its run loop (a
 * lock orders the two): when a JVM thread ends, HotSpot restores the signal mask it was created
 * with, and a kick still pending then would take the signal's default action and end the process.
 */
public final class Vcpu {

    /** SIGRTMIN+4: free in the JVM, blocked on vCPU threads except inside KVM_RUN. */
    public static final int KICK_SIGNAL = Signals.realtime(4);
    /** KVM_INTERNAL_ERROR_EMULATION. */
    private static final int SUBERROR_EMULATION = 1;

    private static final Logger LOG = LogManager.getLogger(Vcpu.class);

    private final VcpuFd fd;
    private final Bus pio;
    private final Bus mmio;
    private final CoalescedWrites coalesced;
    private final VmLifecycle lifecycle;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile int tid;
    private long exits; // on the vCPU thread only
    private long ioExits;
    private boolean kickable; // guarded by this: the thread blocks KICK_SIGNAL and may be signalled
    private Thread thread;

    public Vcpu(VcpuFd fd, Bus pio, Bus mmio, CoalescedWrites coalesced, VmLifecycle lifecycle) {
        this.fd = fd;
        this.pio = pio;
        this.mmio = mmio;
        this.coalesced = coalesced;
        this.lifecycle = lifecycle;
    }

    public int id() {
        return fd.id();
    }

    /** Starts the vCPU thread; returns once it is ready to be kicked. */
    public void start() throws InterruptedException {
        thread = Thread.ofPlatform().name("vcpu-" + fd.id()).daemon().start(this::runLoop);
        started.await();
    }

    /** Makes the vCPU leave KVM_RUN soon; harmless if it already stopped. */
    public void kick() {
        fd.setImmediateExit(true);
        synchronized (this) {
            if (!kickable) {
                return;
            }
            try {
                Signals.tgkill(Signals.getpid(), tid, KICK_SIGNAL);
            } catch (ErrnoException e) {
                LOG.debug("kick of vcpu {}: {}", fd.id(), e.getMessage());
            }
        }
    }

    public void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    private void runLoop() {
        try {
            Signals.blockOnThisThread(KICK_SIGNAL);
            fd.setSignalMask(Signals.threadMask() & ~Signals.bit(KICK_SIGNAL));
            tid = Signals.gettid();
            synchronized (this) {
                kickable = true;
            }
        } catch (ErrnoException e) {
            lifecycle.requestStop(ExitReason.VM_ERROR, "vcpu " + fd.id() + " setup: " + e.getMessage());
            return;
        } finally {
            started.countDown();
        }
        try {
            if (fd.id() == 0) {
                lifecycle.markFirstRun();
            }
            while (!lifecycle.isStopping()) {
                lifecycle.parkIfPaused();
                if (lifecycle.isStopping()) {
                    break;
                }
                VcpuExit exit;
                try {
                    exit = fd.run();
                } catch (ErrnoException e) {
                    if (e.is(Errno.EAGAIN)) {
                        // An application processor waiting for INIT/SIPI was woken without
                        // becoming runnable: KVM asks to simply run again.
                        continue;
                    }
                    throw e;
                }
                handle(exit);
            }
        } catch (ErrnoException e) {
            lifecycle.requestStop(ExitReason.VM_ERROR, "vcpu " + fd.id() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            lifecycle.requestStop(ExitReason.VM_ERROR, "vcpu " + fd.id() + " interrupted");
        } catch (RuntimeException e) {
            LOG.error("vcpu {} failed", fd.id(), e);
            lifecycle.requestStop(ExitReason.VM_ERROR, "vcpu " + fd.id() + ": internal error: " + e);
        } finally {
            LOG.debug("vcpu {}: {} exits, {} of them port I/O", fd.id(), exits, ioExits);
            synchronized (this) {
                kickable = false; // no kick is sent from now on...
            }
            try {
                while (Signals.consumePending(KICK_SIGNAL)) {
                    // ...and every one already sent (real-time signals queue) is taken here
                }
            } catch (ErrnoException e) {
                LOG.error("vcpu {}: can't clear pending kicks: {}", fd.id(), e.getMessage());
            }
        }
    }

    private void handle(VcpuExit exit) throws ErrnoException {
        // Writes KVM batched before this exit reach their devices before it is handled.
        coalesced.drain();
        exits++;
        if (exit instanceof VcpuExit.IoOut || exit instanceof VcpuExit.IoIn) {
            ioExits++;
        }
        switch (exit) {
            case VcpuExit.IoOut o -> portIo(o.port(), o.size(), o.count(), o.data(), true);
            case VcpuExit.IoIn i -> portIo(i.port(), i.size(), i.count(), i.data(), false);
            case VcpuExit.MmioWrite w -> {
                // copied into a byte[] directly: toArray would make a heap segment per exit, and its
                // class, first loaded mid-run, makes the JIT drop compiled segment accessors
                byte[] b = new byte[w.length()];
                MemorySegment.copy(w.data(), ValueLayout.JAVA_BYTE, 0, b, 0, b.length);
                mmio.write(w.address(), b);
            }
            case VcpuExit.MmioRead r -> {
                byte[] b = new byte[r.length()];
                mmio.read(r.address(), b);
                MemorySegment.copy(b, 0, r.data(), ValueLayout.JAVA_BYTE, 0, b.length);
            }
            case VcpuExit.Intr ignored -> {
                fd.setImmediateExit(false);
                Signals.consumePending(KICK_SIGNAL);
            }
            case VcpuExit.Hlt ignored -> lifecycle.requestStop(ExitReason.POWEROFF, "the guest halted");
            case VcpuExit.Shutdown ignored -> lifecycle.requestStop(ExitReason.REBOOT, "the guest reset the CPU (triple fault)");
            case VcpuExit.SystemEvent e -> systemEvent(e);
            case VcpuExit.FailEntry f -> lifecycle.requestStop(ExitReason.VM_ERROR,
                    "KVM could not enter the guest on vcpu %d (hardware reason 0x%x)".formatted(fd.id(), f.reason()));
            case VcpuExit.InternalError e -> lifecycle.requestStop(ExitReason.VM_ERROR, internalError(e));
            case VcpuExit.Unknown u -> lifecycle.requestStop(ExitReason.VM_ERROR,
                    "vcpu %d: unhandled KVM exit reason %d".formatted(fd.id(), u.reason()));
        }
    }

    private void portIo(int port, int size, int count, MemorySegment data, boolean out) {
        byte[] b = new byte[size];
        for (int n = 0; n < count; n++) {
            long at = (long) n * size;
            if (out) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, b, 0, size);
                pio.write(port, b);
            } else {
                pio.read(port, b);
                MemorySegment.copy(b, 0, data, ValueLayout.JAVA_BYTE, at, size);
            }
        }
    }

    private void systemEvent(VcpuExit.SystemEvent e) {
        switch (e.type()) {
            case VcpuExit.SystemEvent.SHUTDOWN -> lifecycle.requestStop(ExitReason.POWEROFF, "system event: shutdown");
            case VcpuExit.SystemEvent.RESET -> lifecycle.requestStop(ExitReason.REBOOT, "system event: reset");
            case VcpuExit.SystemEvent.CRASH -> lifecycle.requestStop(ExitReason.GUEST_PANIC, "system event: crash");
            default -> lifecycle.requestStop(ExitReason.VM_ERROR, "unknown system event " + e.type());
        }
    }

    private String internalError(VcpuExit.InternalError e) {
        if (e.suberror() == SUBERROR_EMULATION) {
            return ("KVM internal error on vcpu %d: emulation failure. This KVM emulates the guest's instructions "
                    + "(an emulating KVM such as PVM) and can't run this guest; use hardware KVM or the KVM sandbox "
                    + "(JVMM_KVM=sandbox tools/vmm run ...)").formatted(fd.id());
        }
        return "KVM internal error on vcpu %d, suberror %d".formatted(fd.id(), e.suberror());
    }
}
