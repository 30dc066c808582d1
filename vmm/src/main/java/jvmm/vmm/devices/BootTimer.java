package jvmm.vmm.devices;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The boot-timer port (0x440): the guest's init writes {@value #MAGIC} once it reaches userspace,
 * and the VMM logs the time since its own start. Only the first write counts.
 */
public final class BootTimer implements BusDevice {

    public static final int MAGIC = 123;
    private static final Logger LOG = LogManager.getLogger(BootTimer.class);

    private final long startNanos;
    private volatile long userspaceNanos = -1;

    /** @param startNanos {@link System#nanoTime()} at VMM start (the JVM's, if known) */
    public BootTimer(long startNanos) {
        this.startNanos = startNanos;
    }

    @Override
    public void read(long offset, byte[] data) {
        data[0] = 0;
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        if ((data[0] & 0xff) != MAGIC || userspaceNanos >= 0) {
            return;
        }
        userspaceNanos = System.nanoTime();
        LOG.info("guest userspace reached {} ms after VMM start", millis(userspaceNanos - startNanos));
    }

    /**
     * {@code nanos} as milliseconds to a tenth ("1234.5"), negative counted as 0. By hand, not
     * with String.format, whose Formatter and locale data (~60 classes) nothing else in a run loads.
     */
    public static String millis(long nanos) {
        long tenths = Math.max(0, Math.round(nanos / 1e5));
        return tenths / 10 + "." + tenths % 10;
    }

    /** Nanoseconds from VMM start to guest userspace, or -1 before the guest wrote the port. */
    public long elapsedNanos() {
        long t = userspaceNanos;
        return t < 0 ? -1 : t - startNanos;
    }
}
