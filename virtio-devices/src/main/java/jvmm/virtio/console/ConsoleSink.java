package jvmm.virtio.console;

import java.lang.foreign.MemorySegment;

/**
 * Where the guest's console output goes: stdout in the VMM (e.g. a write(2) of the segment),
 * memory in tests. {@code data} is a view of guest RAM, valid only during the call: copy it or
 * write it out before returning. Called on the queue thread; the sink deals with its own errors.
 */
@FunctionalInterface
public interface ConsoleSink {
    void write(MemorySegment data);
}
