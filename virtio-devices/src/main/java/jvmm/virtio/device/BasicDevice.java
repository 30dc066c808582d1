package jvmm.virtio.device;

import java.util.concurrent.TimeUnit;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.VirtioFeatures;
import org.apache.logging.log4j.LogManager;

/**
 * What most devices share: a name, a read-only {@link ConfigSpace}, and the current
 * {@link Activation} (null while the driver has not set DRIVER_OK). Subclasses fill the config
 * space, say what they offer and do their queue work with {@link #activation()}.
 */
public abstract class BasicDevice implements VirtioDevice {

    /**
     * The ring features every device here offers: virtio 1.x, event-index notification
     * suppression and indirect descriptor tables (the ring core implements both).
     */
    protected static final long RING_FEATURES = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX)
            | VirtioFeatures.bit(VirtioFeatures.VIRTIO_RING_F_INDIRECT_DESC);

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(BasicDevice.class), TimeUnit.SECONDS.toNanos(5), 10);

    private final String name;
    private final ConfigSpace configSpace;
    private volatile Activation activation;

    protected BasicDevice(String name, int configSize) {
        this.name = name;
        this.configSpace = new ConfigSpace(configSize);
    }

    @Override
    public final String name() {
        return name;
    }

    protected final ConfigSpace configSpace() {
        return configSpace;
    }

    /** The running activation, or null before DRIVER_OK and after a reset. */
    protected final Activation activation() {
        return activation;
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        configSpace.read(offset, data);
    }

    /** No field is writable unless a subclass says otherwise: the write is logged and ignored. */
    @Override
    public void writeConfig(long offset, byte[] data) {
        GUEST_LOG.warn("{}: the guest wrote {} bytes to read-only config offset {}", name, data.length, offset);
    }

    @Override
    public void activate(Activation newActivation) {
        this.activation = newActivation;
    }

    @Override
    public void reset() {
        activation = null;
    }
}
