package jvmm.vmm.console;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.IntConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Guest console output to the VMM's stdout without making a vCPU wait for the terminal: the UART
 * appends bytes to a bounded buffer, and a writer thread drains it in chunks. A vCPU only waits
 * when the buffer is full (stdout is not being read), which bounds memory instead of dropping
 * guest output. Where the bytes go is a {@link ConsoleSink}: stdout, or a router that also keeps a
 * console log and watches for expected lines.
 */
public final class ConsoleOutput implements IntConsumer, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ConsoleOutput.class);
    private static final int CAPACITY = 64 * 1024;

    private final ConsoleSink sink;
    private final byte[] buffer = new byte[CAPACITY];
    private int head;
    private int count;
    private long accepted;
    private boolean closed;
    private final Thread writer;

    /** @param out where the guest's bytes go (stdout), written and flushed chunk by chunk */
    public ConsoleOutput(OutputStream out) {
        this((position, bytes, off, len) -> {
            out.write(bytes, off, len);
            out.flush();
        });
    }

    public ConsoleOutput(ConsoleSink sink) {
        this.sink = sink;
        this.writer = Thread.ofPlatform().daemon().name("console-out").start(this::drainLoop);
    }

    /** The number of bytes accepted so far: the stream position of the next byte. */
    public synchronized long position() {
        return accepted;
    }

    /**
     * Hands {@code at} the current position while no byte can be accepted, so a mark taken by one
     * vCPU orders exactly against console bytes from every other.
     */
    public synchronized void mark(java.util.function.LongConsumer at) {
        at.accept(accepted);
    }

    @Override
    public void accept(int b) {
        synchronized (this) {
            while (count == CAPACITY && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (closed) {
                return;
            }
            buffer[(head + count) % CAPACITY] = (byte) b;
            accepted++;
            if (count++ == 0) {
                notifyAll();
            }
        }
    }

    private void drainLoop() {
        byte[] chunk = new byte[CAPACITY];
        boolean sinkBroken = false;
        while (true) {
            int n;
            long position;
            synchronized (this) {
                while (count == 0 && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (count == 0) {
                    notifyAll();
                    closeSink();
                    return;
                }
                n = count;
                position = accepted - n;
                int first = Math.min(n, CAPACITY - head);
                System.arraycopy(buffer, head, chunk, 0, first);
                System.arraycopy(buffer, 0, chunk, first, n - first);
                head = (head + n) % CAPACITY;
                count = 0;
                notifyAll();
            }
            if (sinkBroken) {
                continue; // keep draining, so the guest never waits on a console nobody reads
            }
            try {
                sink.write(position, chunk, 0, n);
            } catch (IOException e) {
                LOG.debug("console output stopped: {}", e.toString());
                sinkBroken = true; // stdout went away: nothing more to show
            }
        }
    }

    private void closeSink() {
        try {
            sink.close();
        } catch (IOException e) {
            LOG.warn("closing the console output: {}", e.getMessage());
        }
    }

    /** Writes out what is buffered and stops the writer thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
