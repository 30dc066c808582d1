package jvmm.virtio.queue;

import jvmm.virtio.memory.GuestAddress;

/**
 * One buffer of a descriptor chain, as a device sees it: where it is, how long (an unsigned 32-bit
 * value) and whether the device may write it. A device builds its iovecs from these with
 * {@link jvmm.virtio.memory.GuestMemory#slice}.
 */
public record Descriptor(GuestAddress address, long length, boolean writable) {
}
