package jvmm.virtio.device;

/**
 * Hands a queue notification to the thread that services queues. The VMM signals the queue's
 * ioeventfd here, so its event loop later calls the transport's {@code queueNotified(index)};
 * a test may call that directly. It is called on vCPU threads (a QueueNotify write that did not
 * go through an ioeventfd), on the thread that activates the device (one notification per queue,
 * for buffers made available before DRIVER_OK) and on any thread a device asks for service from
 * (console input). It must be thread-safe and must not do the device's work inline on a vCPU.
 */
@FunctionalInterface
public interface QueueNotifier {
    void notify(int queueIndex);
}
