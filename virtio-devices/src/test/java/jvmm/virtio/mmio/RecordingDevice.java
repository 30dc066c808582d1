package jvmm.virtio.mmio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.Activation;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.device.VirtioDevice;
import jvmm.virtio.queue.DescriptorChain;

/**
 * A device that records what the transport does to it: activations, resets, processed queues.
 * Its queue work pops and returns every chain; it can be made to wait inside processQueue, to
 * test a reset that arrives during queue work.
 */
final class RecordingDevice implements VirtioDevice {

    static final int TYPE = 0x2a;
    /** A device-specific bit, to see feature words 0 and 1 apart. */
    static final int F_SPECIAL = 3;
    static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_EVENT_IDX) | VirtioFeatures.bit(F_SPECIAL);

    final ConfigSpace config = new ConfigSpace(16);
    final List<Activation> activations = new ArrayList<>();
    final List<Integer> processed = new ArrayList<>();
    int resets;
    volatile CountDownLatch entered;
    volatile CountDownLatch release;
    private volatile Activation active;

    RecordingDevice() {
        config.putU64(0, 0x1122_3344_5566_7788L);
        config.putU32(8, 0xCAFE_F00DL);
    }

    @Override
    public int deviceType() {
        return TYPE;
    }

    @Override
    public String name() {
        return "rec0";
    }

    @Override
    public long offeredFeatures() {
        return FEATURES;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize(int index) {
        return index == 0 ? 64 : 16;
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        config.read(offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {
    }

    @Override
    public synchronized void activate(Activation activation) {
        activations.add(activation);
        active = activation;
    }

    @Override
    public void processQueue(int index) {
        synchronized (this) {
            processed.add(index);
        }
        if (entered != null) {
            entered.countDown();
            awaitRelease();
        }
        var chain = new DescriptorChain();
        var queue = active.queue(index);
        while (queue.popInto(active.memory(), chain)) {
            queue.addUsed(active.memory(), chain.head(), 0);
        }
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void reset() {
        resets++;
        active = null;
    }

    synchronized List<Integer> processed() {
        return List.copyOf(processed);
    }
}
