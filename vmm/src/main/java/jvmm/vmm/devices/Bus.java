package jvmm.vmm.devices;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Routes guest port I/O or MMIO accesses to devices by address range. Devices are registered
 * before the vCPUs start; lookups afterwards need no locking (the map is never changed again).
 * An access that hits no device reads as all ones and its writes are dropped, as on real hardware.
 */
public final class Bus {

    private record Range(long base, long length, BusDevice device) {
        boolean contains(long addr, int size) {
            long off = addr - base;
            return off >= 0 && off < length && size <= length - off;
        }
    }

    private final String name;
    private final TreeMap<Long, Range> ranges = new TreeMap<>();
    private volatile boolean sealed;

    public Bus(String name) {
        this.name = name;
    }

    /** Adds {@code device} at {@code [base, base+length)}; ranges must not overlap. */
    public synchronized void register(long base, long length, BusDevice device) {
        if (sealed) {
            throw new IllegalStateException(name + " bus is sealed: devices are added before the vCPUs start");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("empty range at 0x" + Long.toHexString(base));
        }
        Map.Entry<Long, Range> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getValue().base() + below.getValue().length() > base) {
            throw new IllegalStateException("%s bus: [0x%x, +0x%x) overlaps the device at 0x%x"
                    .formatted(name, base, length, below.getKey()));
        }
        ranges.put(base, new Range(base, length, device));
    }

    /** Forbids further registration; called once before the vCPUs start. */
    public void seal() {
        sealed = true;
    }

    /** Reads at {@code addr}; returns false (and fills with 0xff) when no device is there. */
    public boolean read(long addr, byte[] data) {
        Range r = find(addr, data.length);
        if (r == null) {
            Arrays.fill(data, (byte) 0xff);
            return false;
        }
        r.device().read(addr - r.base(), data);
        return true;
    }

    /** Writes at {@code addr}; returns false (and drops the write) when no device is there. */
    public boolean write(long addr, byte[] data) {
        Range r = find(addr, data.length);
        if (r == null) {
            return false;
        }
        r.device().write(addr - r.base(), data);
        return true;
    }

    private Range find(long addr, int size) {
        Map.Entry<Long, Range> e = ranges.floorEntry(addr);
        return e != null && e.getValue().contains(addr, size) ? e.getValue() : null;
    }
}
