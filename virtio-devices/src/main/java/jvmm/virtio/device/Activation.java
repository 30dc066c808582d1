package jvmm.virtio.device;

import java.util.List;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.Queue;

/**
 * Everything a device gets when the driver sets DRIVER_OK: guest memory, its queues (configured by
 * the driver, possibly not all ready), the negotiated features and the signals back to the
 * transport. Valid until the device is reset.
 */
public record Activation(GuestMemory memory, List<Queue> queues, long features, DeviceSignals signals) {

    public Activation {
        queues = List.copyOf(queues);
    }

    public Queue queue(int index) {
        return queues.get(index);
    }

    /** Whether the driver accepted {@code feature} (a bit position). */
    public boolean negotiated(int feature) {
        return VirtioFeatures.has(features, feature);
    }
}
