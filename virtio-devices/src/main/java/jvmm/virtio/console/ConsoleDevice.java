package jvmm.virtio.console;

import java.util.concurrent.TimeUnit;
import jvmm.virtio.RateLimitedLog;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.device.QueueDrain;
import jvmm.virtio.device.VirtioDevice;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;
import org.apache.logging.log4j.LogManager;

/**
 * virtio-console with a single port, hvc0 in the guest (virtio 1.2, 5.3; no MULTIPORT).
 *
 * <p>Output: buffers on the transmit queue go to the {@link ConsoleSink} as views of guest RAM.
 * Input: the VMM calls {@link #offerInput(byte[])} from any thread (its stdin reader); the bytes
 * wait in a never-dropping backlog and the device asks its transport for service of the receive
 * queue (the VMM's {@code QueueNotifier} then wakes the event loop, which calls
 * {@code queueNotified(0)}). The backlog drains as the guest hands over receive buffers; the VMM
 * may watch {@link #pendingInput()} to stop reading input while the guest is not taking it.
 *
 * <p>With a size given, VIRTIO_CONSOLE_F_SIZE is offered and {@link #resize} reports changes.
 */
public final class ConsoleDevice implements VirtioDevice {

    public static final int RECEIVEQ = 0;
    public static final int TRANSMITQ = 1;
    /** VIRTIO_CONSOLE_F_SIZE: cols and rows are valid. */
    public static final int F_SIZE = 0;

    private static final RateLimitedLog GUEST_LOG =
            new RateLimitedLog(LogManager.getLogger(ConsoleDevice.class), TimeUnit.SECONDS.toNanos(5), 10);
    private static final int QUEUE_SIZE = 256;
    private static final int CFG_COLS = 0;
    private static final int CFG_ROWS = 2;
    /** cols, rows, max_nr_ports, emerg_wr. */
    private static final int CONFIG_SIZE = 12;

    private final String name;
    private final ConsoleSink sink;
    private final boolean sized;
    private final ConfigSpace configSpace = new ConfigSpace(CONFIG_SIZE);
    private final PendingInput input = new PendingInput();
    private final DescriptorChain chain = new DescriptorChain(4);
    private volatile Activation activation;

    /** A console without a size (the guest assumes 80x25 or asks the terminal). */
    public ConsoleDevice(String name, ConsoleSink sink) {
        this.name = name;
        this.sink = sink;
        this.sized = false;
    }

    /** A console that reports {@code cols} x {@code rows} to the guest. */
    public ConsoleDevice(String name, ConsoleSink sink, int cols, int rows) {
        this.name = name;
        this.sink = sink;
        this.sized = true;
        setSize(cols, rows);
    }

    private void setSize(int cols, int rows) {
        if (cols < 0 || cols > 0xFFFF || rows < 0 || rows > 0xFFFF) {
            throw new IllegalArgumentException("console size %dx%d is invalid; columns and rows are 0..65535"
                    .formatted(cols, rows));
        }
        configSpace.putU16(CFG_COLS, cols);
        configSpace.putU16(CFG_ROWS, rows);
    }

    /** The host terminal changed size: update the config and tell the guest (with F_SIZE only). */
    public void resize(int cols, int rows) {
        if (!sized) {
            throw new IllegalStateException(name + " was created without a size");
        }
        setSize(cols, rows);
        Activation active = activation;
        if (active != null) {
            active.signals().configChanged();
        }
    }

    /**
     * Queues host input for the guest; thread-safe, never drops. Asks the transport to service
     * the receive queue if the device is running (else activation will).
     */
    public void offerInput(byte[] bytes) {
        input.offer(bytes);
        Activation active = activation;
        if (active != null && bytes.length > 0) {
            active.signals().requestService(RECEIVEQ);
        }
    }

    /** Input bytes the guest has not taken yet. */
    public long pendingInput() {
        return input.size();
    }

    @Override
    public int deviceType() {
        return DeviceType.CONSOLE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long offeredFeatures() {
        long features = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1)
                | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX)
                | VirtioFeatures.bit(VirtioFeatures.VIRTIO_RING_F_INDIRECT_DESC);
        return sized ? features | VirtioFeatures.bit(F_SIZE) : features;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        configSpace.read(offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {
        // emerg_wr needs VIRTIO_CONSOLE_F_EMERG_WRITE, which is not offered.
        GUEST_LOG.warn("{}: the guest wrote {} bytes to read-only config offset {}", name, data.length, offset);
    }

    @Override
    public void activate(Activation activation) {
        this.activation = activation;
    }

    @Override
    public void reset() {
        // Pending input stays: it is the host's, waiting for whichever driver comes next.
        activation = null;
    }

    @Override
    public void processQueue(int index) {
        Activation active = activation;
        if (active == null) {
            return;
        }
        switch (index) {
            case RECEIVEQ -> deliverInput(active.queue(RECEIVEQ), active);
            case TRANSMITQ -> transmit(active.queue(TRANSMITQ), active);
            default -> throw new IllegalStateException(name + " has no queue " + index);
        }
    }

    /**
     * Fills receive buffers while input is pending. When input is left and buffers ran out,
     * notifications are re-enabled (with a re-check) so the driver's next buffer kicks us.
     */
    private void deliverInput(Queue queue, Activation active) {
        GuestMemory memory = active.memory();
        boolean delivered = false;
        while (!input.isEmpty()) {
            if (queue.popInto(memory, chain)) {
                int moved = input.drainInto(chain.writer(memory));
                queue.addUsed(memory, chain.head(), moved);
                delivered = true;
            } else if (!queue.enableNotification(memory)) {
                break;
            }
        }
        if (delivered && queue.needsNotification(memory)) {
            active.signals().usedBuffers();
        }
    }

    /** Sends every transmit buffer to the sink, in order, and returns them. */
    private void transmit(Queue queue, Activation active) {
        GuestMemory memory = active.memory();
        if (QueueDrain.drain(queue, memory, chain, buffer -> send(buffer, memory))) {
            active.signals().usedBuffers();
        }
    }

    private int send(DescriptorChain buffer, GuestMemory memory) {
        for (int i = 0; i < buffer.readableCount(); i++) {
            GuestAddress at = buffer.address(i);
            long length = buffer.length(i);
            if (length > 0) {
                sink.write(memory.slice(at, length));
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return "ConsoleDevice[%s, %d input bytes pending]".formatted(name, input.size());
    }
}
