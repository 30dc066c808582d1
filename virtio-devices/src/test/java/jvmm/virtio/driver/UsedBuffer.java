package jvmm.virtio.driver;

/** A buffer the device gave back: the driver's token for it and the bytes the device wrote. */
public record UsedBuffer(Object token, int length) {
}
