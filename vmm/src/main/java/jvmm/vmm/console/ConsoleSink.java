package jvmm.vmm.console;

import java.io.IOException;

/**
 * Where the guest's console bytes end up, fed in order by {@link ConsoleOutput}'s writer thread.
 * {@code position} is the stream offset of {@code bytes[off]}: the count of console bytes the
 * guest wrote before it, so marks taken with {@link ConsoleOutput#position()} fall between bytes
 * exactly.
 */
@FunctionalInterface
public interface ConsoleSink {

    void write(long position, byte[] bytes, int off, int len) throws IOException;

    /** Called once, after the last write. */
    default void close() throws IOException {
    }
}
