package jvmm.vmm;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one place where a VM's end is decided. Devices and vCPU threads report what the guest did;
 * the first reason wins (a panic reported before the reboot that follows it still counts as a
 * panic), and whoever waits on the VM is woken.
 */
public final class VmLifecycle {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ExitReason reason;
    private volatile String detail;
    private volatile boolean panicked;
    private volatile long firstRunNanos = -1;
    private volatile int debugExitStatus = -1;
    private final Object pauseLock = new Object();
    private boolean pauseRequested; // guarded by pauseLock
    private int parked; // vCPUs waiting in parkIfPaused, guarded by pauseLock

    /** Requests the VM to stop; later requests are ignored. */
    public synchronized void requestStop(ExitReason why, String what) {
        if (reason != null) {
            return;
        }
        reason = panicked && why != ExitReason.VM_ERROR ? ExitReason.GUEST_PANIC : why;
        detail = what;
        stopped.countDown();
    }

    /**
     * The guest asked, through isa-debug-exit, to end with exit status {@code status}; ignored
     * when the VM is already stopping.
     */
    public synchronized void requestDebugExit(int status, String what) {
        if (reason == null) {
            debugExitStatus = status;
            requestStop(ExitReason.DEBUG_EXIT, what);
        }
    }

    /**
     * The VMM's exit code for how the VM ended: {@link ExitReason#exitCode()}, except for a
     * debug exit, which gives the status the guest asked for. -1 while the VM runs.
     */
    public int exitCode() {
        ExitReason r = reason;
        if (r == null) {
            return -1;
        }
        return r == ExitReason.DEBUG_EXIT ? debugExitStatus : r.exitCode();
    }

    /** Asks the vCPUs to stop between exits ({@link #parkIfPaused}); the caller kicks them. */
    public void requestPause() {
        synchronized (pauseLock) {
            pauseRequested = true;
        }
    }

    public void resume() {
        synchronized (pauseLock) {
            pauseRequested = false;
            pauseLock.notifyAll();
        }
    }

    public boolean paused() {
        synchronized (pauseLock) {
            return pauseRequested;
        }
    }

    /** Called by each vCPU thread between exits: waits while the VM is paused and not stopping. */
    public void parkIfPaused() throws InterruptedException {
        synchronized (pauseLock) {
            if (!pauseRequested) {
                return;
            }
            parked++;
            pauseLock.notifyAll();
            try {
                while (pauseRequested && !isStopping()) {
                    pauseLock.wait(100);
                }
            } finally {
                parked--;
                pauseLock.notifyAll();
            }
        }
    }

    /** Waits until {@code vcpus} vCPUs are parked (or the VM stops); false on timeout. */
    public boolean awaitParked(int vcpus, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (pauseLock) {
            while (parked < vcpus && !isStopping()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                pauseLock.wait(Math.min(left, 100));
            }
            return true;
        }
    }

    /** The guest reported a panic (pvpanic); the VM keeps running until it stops or reboots. */
    public void reportPanic() {
        panicked = true;
    }

    /** Notes when the boot vCPU first entered KVM_RUN ({@link System#nanoTime()}). */
    public void markFirstRun() {
        if (firstRunNanos < 0) {
            firstRunNanos = System.nanoTime();
        }
    }

    /** {@link System#nanoTime()} of the first KVM_RUN, or -1. */
    public long firstRunNanos() {
        return firstRunNanos;
    }

    public boolean isStopping() {
        return reason != null;
    }

    public Optional<ExitReason> reason() {
        return Optional.ofNullable(reason);
    }

    public String detail() {
        return detail;
    }

    public ExitReason await() throws InterruptedException {
        stopped.await();
        return reason;
    }

    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }
}
