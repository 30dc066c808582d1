package jvmm.virtio.device;

import java.util.function.ToIntFunction;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.queue.DescriptorChain;
import jvmm.virtio.queue.Queue;

/**
 * The batch loop every request queue runs: with driver notifications disabled, pop and complete
 * every available chain; re-enable notifications and re-check, because a buffer the driver added
 * just before it saw the re-enable would otherwise get no kick; finally decide once for the whole
 * batch whether the driver wants an interrupt (used_event or NO_INTERRUPT).
 */
public final class QueueDrain {

    private QueueDrain() {
    }

    /**
     * Drains {@code queue}, refilling {@code chain} for each request; {@code handler} completes a
     * chain and returns the number of bytes it wrote into it.
     *
     * @return whether the driver should be interrupted for this batch
     */
    public static boolean drain(Queue queue, GuestMemory memory, DescriptorChain chain,
                                ToIntFunction<DescriptorChain> handler) {
        boolean completed = false;
        do {
            queue.disableNotification(memory);
            while (queue.popInto(memory, chain)) {
                queue.addUsed(memory, chain.head(), handler.applyAsInt(chain));
                completed = true;
            }
        } while (queue.enableNotification(memory));
        return completed && queue.needsNotification(memory);
    }
}
