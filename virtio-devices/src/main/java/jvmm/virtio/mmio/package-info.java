/**
 * The virtio-mmio transport, version 2: {@link jvmm.virtio.mmio.MmioTransport} turns register
 * accesses from vCPU threads into queue configuration, feature negotiation, the device status
 * state machine and activation of a {@link jvmm.virtio.device.VirtioDevice}, and queue
 * notifications from the event loop into device work.
 */
package jvmm.virtio.mmio;
