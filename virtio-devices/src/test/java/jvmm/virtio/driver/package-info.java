/**
 * The driver side of virtio for tests, shipped in this module's test-jar: a split virtqueue driver
 * that behaves like Linux's virtio_ring ({@link jvmm.virtio.driver.SplitQueueDriver}), the ring
 * layout it lays out in guest memory, and {@link jvmm.virtio.driver.RawRing} for hand-made
 * malformed rings. A virtio-mmio transport driver (ACK, DRIVER, FEATURES_OK, DRIVER_OK) belongs
 * here too, next to the queue driver it configures.
 */
package jvmm.virtio.driver;
