package jvmm.vmm.console;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.IntConsumer;

/**
 * Guest console output to the VMM's stdout without making a vCPU wait for the terminal: the UART
 * appends bytes to a bounded buffer, and a writer thread drains it in chunks. A vCPU only waits
 * when the buffer is full (stdout is not being read), which bounds memory instead of dropping
 * guest output.
 */
public final class ConsoleOutput implements IntConsumer, AutoCloseable {

    private static final int CAPACITY = 64 * 1024;

    private final OutputStream out;
    private final byte[] buffer = new byte[CAPACITY];
    private final IntConsumer tap;
    private int head;
    private int count;
    private boolean closed;
    private final Thread writer;

    /**
     * @param out where the guest's bytes go (stdout)
     * @param tap also sees every byte, on the caller's thread (e.g. a console log); may be null
     */
    public ConsoleOutput(OutputStream out, IntConsumer tap) {
        this.out = out;
        this.tap = tap;
        this.writer = Thread.ofPlatform().daemon().name("console-out").start(this::drainLoop);
    }

    @Override
    public void accept(int b) {
        if (tap != null) {
            tap.accept(b);
        }
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
            if (count++ == 0) {
                notifyAll();
            }
        }
    }

    private void drainLoop() {
        byte[] chunk = new byte[CAPACITY];
        while (true) {
            int n;
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
                    return;
                }
                n = count;
                int first = Math.min(n, CAPACITY - head);
                System.arraycopy(buffer, head, chunk, 0, first);
                System.arraycopy(buffer, 0, chunk, first, n - first);
                head = (head + n) % CAPACITY;
                count = 0;
                notifyAll();
            }
            try {
                out.write(chunk, 0, n);
                out.flush();
            } catch (IOException e) {
                return; // stdout went away: nothing more to show
            }
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
