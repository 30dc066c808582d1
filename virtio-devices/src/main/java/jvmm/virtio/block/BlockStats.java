package jvmm.virtio.block;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one block device, cheap enough to keep on the data path, for benchmarks and
 * diagnostics: {@link #snapshot()} may be called from any thread.
 */
public final class BlockStats {

    /** A consistent-enough copy of the counters (each one is exact, they are read one by one). */
    public record Snapshot(long requests, long readBytes, long writtenBytes, long flushes, long errors,
                           long interrupts) {
    }

    private final LongAdder requests = new LongAdder();
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writtenBytes = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder interrupts = new LongAdder();

    void request() {
        requests.increment();
    }

    void read(long bytes) {
        readBytes.add(bytes);
    }

    void written(long bytes) {
        writtenBytes.add(bytes);
    }

    void flush() {
        flushes.increment();
    }

    /** A request answered with a status other than OK, or dropped. */
    void error() {
        errors.increment();
    }

    void interrupt() {
        interrupts.increment();
    }

    public Snapshot snapshot() {
        return new Snapshot(requests.sum(), readBytes.sum(), writtenBytes.sum(), flushes.sum(), errors.sum(),
                interrupts.sum());
    }
}
