package jvmm.virtio.driver;

import jvmm.virtio.memory.GuestAddress;

/** One scatter-gather element a driver adds: {@code length} bytes of guest memory at {@code address}. */
public record Segment(GuestAddress address, int length) {

    public static Segment of(long address, int length) {
        return new Segment(GuestAddress.of(address), length);
    }
}
