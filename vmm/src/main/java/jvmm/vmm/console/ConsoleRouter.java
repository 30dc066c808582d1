package jvmm.vmm.console;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The usual {@link ConsoleSink}: every console byte goes to the console log (if any) and the
 * expect watch (if any), and to stdout either always or, for {@code vmm exec}, only inside the
 * windows the guest marks around its command's output.
 */
public final class ConsoleRouter implements ConsoleSink {

    private final OutputStream stdout;
    private final OutputStream log;
    private final ConsoleWatch watch;
    private final boolean windowed;
    private final List<long[]> windows = new ArrayList<>(); // [start, end), end MAX_VALUE while open

    /**
     * @param stdout where guest output is shown
     * @param log gets every byte, or null
     * @param watch sees every byte, or null
     * @param windowed show on stdout only what lies between {@link #openWindow} and {@link #closeWindow}
     */
    public ConsoleRouter(OutputStream stdout, OutputStream log, ConsoleWatch watch, boolean windowed) {
        this.stdout = stdout;
        this.log = log;
        this.watch = watch;
        this.windowed = windowed;
    }

    /** Shows bytes from {@code position} on (see {@link ConsoleOutput#mark}). */
    public synchronized void openWindow(long position) {
        if (windows.isEmpty() || windows.getLast()[1] != Long.MAX_VALUE) {
            windows.add(new long[] {position, Long.MAX_VALUE});
        }
    }

    /** Hides bytes from {@code position} on. */
    public synchronized void closeWindow(long position) {
        if (!windows.isEmpty() && windows.getLast()[1] == Long.MAX_VALUE) {
            windows.getLast()[1] = position;
        }
    }

    @Override
    public void write(long position, byte[] bytes, int off, int len) throws IOException {
        if (log != null) {
            log.write(bytes, off, len);
            log.flush();
        }
        if (watch != null) {
            watch.feed(bytes, off, len);
        }
        if (!windowed) {
            stdout.write(bytes, off, len);
        } else {
            long end = position + len;
            for (long[] w : windowsFrom(position)) {
                long from = Math.max(position, w[0]);
                long to = Math.min(end, w[1]);
                if (from < to) {
                    stdout.write(bytes, off + (int) (from - position), (int) (to - from));
                }
            }
        }
        stdout.flush();
    }

    /** The windows that may still show bytes from {@code position} on; older ones are dropped. */
    private synchronized List<long[]> windowsFrom(long position) {
        windows.removeIf(w -> w[1] <= position);
        List<long[]> copy = new ArrayList<>(windows.size());
        for (long[] w : windows) {
            copy.add(w.clone());
        }
        return copy;
    }

    @Override
    public void close() throws IOException {
        stdout.flush();
        if (log != null) {
            log.close();
        }
    }
}
