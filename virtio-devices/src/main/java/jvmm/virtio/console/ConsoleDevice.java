package jvmm.virtio.console;

import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.BasicDevice;
import jvmm.virtio.device.DeviceType;
import jvmm.virtio.device.QueueDrain;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;

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
 * <p>A device reset keeps pending input: it is the host's, waiting for whichever driver comes next.
 *
 * <p>With a size given, VIRTIO_CONSOLE_F_SIZE is offered and {@link #resize} reports changes.
 * EMERG_WRITE is not offered, so the config space is read-only.
 */
public final class ConsoleDevice extends BasicDevice {

    public static final int RECEIVEQ = 0;
    public static final int TRANSMITQ = 1;
    /** VIRTIO_CONSOLE_F_SIZE: cols and rows are valid. */
    public static final int F_SIZE = 0;

    private static final int QUEUE_SIZE = 256;
    private static final int CFG_COLS = 0;
    private static final int CFG_ROWS = 2;
    /** cols, rows, max_nr_ports, emerg_wr. */
    private static final int CONFIG_SIZE = 12;

    private final ConsoleSink sink;
    private final boolean sized;
    private final PendingInput input = new PendingInput();
    private final DescriptorChain chain = new DescriptorChain(4);

    /** A console without a size (the guest assumes 80x25 or asks the terminal). */
    public ConsoleDevice(String name, ConsoleSink sink) {
        super(name, CONFIG_SIZE);
        this.sink = sink;
        this.sized = false;
    }

    /** A console that reports {@code cols} x {@code rows} to the guest. */
    public ConsoleDevice(String name, ConsoleSink sink, int cols, int rows) {
        super(name, CONFIG_SIZE);
        this.sink = sink;
        this.sized = true;
        setSize(cols, rows);
    }

    private void setSize(int cols, int rows) {
        if (cols < 0 || cols > 0xFFFF || rows < 0 || rows > 0xFFFF) {
            throw new IllegalArgumentException("console size %dx%d is invalid; columns and rows are 0..65535"
                    .formatted(cols, rows));
        }
        configSpace().putU16(CFG_COLS, cols);
        configSpace().putU16(CFG_ROWS, rows);
    }

    /** The host terminal changed size: update the config and tell the guest (with F_SIZE only). */
    public void resize(int cols, int rows) {
        if (!sized) {
            throw new IllegalStateException(name() + " was created without a size");
        }
        setSize(cols, rows);
        Activation active = activation();
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
        Activation active = activation();
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
    public long offeredFeatures() {
        return sized ? RING_FEATURES | VirtioFeatures.bit(F_SIZE) : RING_FEATURES;
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
    public void processQueue(int index) {
        Activation active = activation();
        if (active == null) {
            return;
        }
        switch (index) {
            case RECEIVEQ -> deliverInput(active.queue(RECEIVEQ), active);
            case TRANSMITQ -> transmit(active.queue(TRANSMITQ), active);
            default -> throw new IllegalStateException(name() + " has no queue " + index);
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
        return "ConsoleDevice[%s, %d input bytes pending]".formatted(name(), input.size());
    }
}
