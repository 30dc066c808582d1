package jvmm.vmm.api;

import java.util.Optional;

/** What the API can do to a running VM; {@code Vmm} provides it. */
public interface VmControl {

    /** Stops the vCPUs (they finish their current exit first); returns once all are stopped. */
    void pause() throws InterruptedException;

    void resume();

    boolean paused();

    /** Presses Ctrl-Alt-Del on the guest's keyboard (the guest decides what it means; Linux reboots). */
    void sendCtrlAltDel();

    /** The balloon, if the VM has one. */
    Optional<BalloonControl> balloon();

    /** The operations on a running VM's balloon. */
    interface BalloonControl {
        void setTargetBytes(long bytes);

        long targetBytes();

        long actualBytes();

        boolean deflateOnOom();

        boolean freePageReporting();

        /** Seconds between statistics requests; 0 when statistics are off. */
        int statsIntervalSeconds();

        void setStatsIntervalSeconds(int seconds);

        /** The guest's last statistics, by Firecracker's field names (swap_in, free_memory, ...). */
        java.util.Map<String, Long> statistics();
    }
}
