package jvmm.virtio.device;

import java.util.Arrays;

/**
 * A device configuration structure as little-endian bytes: devices fill it with typed setters
 * once, and driver reads of any width at any offset are answered from it. Bytes beyond the
 * structure read as zero, which is what a driver reading a field of a feature it did not get
 * should see. Thread-safe: reads come from vCPU threads, updates (a resize, a new capacity)
 * possibly from another.
 */
public final class ConfigSpace {

    private final byte[] bytes;

    public ConfigSpace(int size) {
        bytes = new byte[size];
    }

    public int size() {
        return bytes.length;
    }

    public synchronized void putU8(int offset, int value) {
        bytes[offset] = (byte) value;
    }

    public synchronized void putU16(int offset, int value) {
        putLe(offset, value, 2);
    }

    public synchronized void putU32(int offset, long value) {
        putLe(offset, value, 4);
    }

    public synchronized void putU64(int offset, long value) {
        putLe(offset, value, 8);
    }

    /** Copies {@code data.length} bytes starting at {@code offset} into {@code data}, zeros past the end. */
    public synchronized void read(long offset, byte[] data) {
        Arrays.fill(data, (byte) 0);
        for (int i = 0; i < data.length; i++) {
            long at = offset + i;
            if (at >= 0 && at < bytes.length) {
                data[i] = bytes[(int) at];
            }
        }
    }

    private void putLe(int offset, long value, int width) {
        for (int i = 0; i < width; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** The little-endian value of {@code data} (1 to 8 bytes), as a register write carries it. */
    public static long decodeLe(byte[] data) {
        long value = 0;
        for (int i = 0; i < data.length && i < 8; i++) {
            value |= (data[i] & 0xFFL) << (8 * i);
        }
        return value;
    }

    /** Fills {@code data} with the low {@code data.length} bytes of {@code value}, little-endian. */
    public static void encodeLe(long value, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            data[i] = i < 8 ? (byte) (value >>> (8 * i)) : 0;
        }
    }
}
