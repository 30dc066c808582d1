/**
 * The device abstraction behind every transport: {@link jvmm.virtio.device.VirtioDevice} (an ops
 * table: type, features, queues, config space, activate, process, reset), what the device gets on
 * activation and the callbacks a transport needs from the VMM ({@link
 * jvmm.virtio.device.InterruptLine}, {@link jvmm.virtio.device.QueueNotifier}).
 */
package jvmm.virtio.device;
