package jvmm.virtio.mmio;

import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.queue.Queue;

/**
 * Applies one queue register write to a {@link Queue}: the 64-bit ring addresses arrive as two
 * 32-bit halves, each write replacing its half. Values are not checked here: the queue checks size
 * and addresses against guest RAM when it is first used, and breaks if they are wrong.
 */
final class QueueRegisters {

    private QueueRegisters() {
    }

    static void write(Queue queue, int offset, int value) {
        switch (offset) {
            case MmioRegisters.QUEUE_NUM -> queue.setSize(value);
            case MmioRegisters.QUEUE_READY -> queue.setReady(value == 1);
            case MmioRegisters.QUEUE_DESC_LOW -> queue.setDescTable(low(queue.descTable(), value));
            case MmioRegisters.QUEUE_DESC_HIGH -> queue.setDescTable(high(queue.descTable(), value));
            case MmioRegisters.QUEUE_DRIVER_LOW -> queue.setAvailRing(low(queue.availRing(), value));
            case MmioRegisters.QUEUE_DRIVER_HIGH -> queue.setAvailRing(high(queue.availRing(), value));
            case MmioRegisters.QUEUE_DEVICE_LOW -> queue.setUsedRing(low(queue.usedRing(), value));
            case MmioRegisters.QUEUE_DEVICE_HIGH -> queue.setUsedRing(high(queue.usedRing(), value));
            default -> throw new IllegalStateException("not a queue register: 0x" + Integer.toHexString(offset));
        }
    }

    private static GuestAddress low(GuestAddress current, int value) {
        return GuestAddress.of((current.value() & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(value));
    }

    private static GuestAddress high(GuestAddress current, int value) {
        return GuestAddress.of((current.value() & 0xFFFF_FFFFL) | ((long) value << 32));
    }
}
