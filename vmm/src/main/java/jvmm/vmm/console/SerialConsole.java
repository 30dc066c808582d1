package jvmm.vmm.console;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Libc;
import jvmm.kvm.sys.Terminal;
import jvmm.vmm.ExitReason;
import jvmm.vmm.VmLifecycle;
import jvmm.vmm.devices.Serial16550;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The VMM's stdin and stdout as the guest's serial console. On a terminal, stdin is put in raw
 * mode (restored on close) and Ctrl-A x quits; from a pipe, bytes pass through as they are and
 * end of input just stops reading. Input waits for room in the UART's FIFO, so nothing typed or
 * piped is lost.
 */
public final class SerialConsole implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(SerialConsole.class);
    public static final int STDIN = 0;

    private final ConsoleOutput output;
    private final VmLifecycle lifecycle;
    private final int inputFd;
    private Serial16550 serial;
    private volatile InputTarget target;

    /** Where console input goes: the UART by default, or another console device. */
    @FunctionalInterface
    public interface InputTarget {
        /** Takes {@code len} bytes of {@code bytes}; may wait (backpressure), never drops. */
        void feed(byte[] bytes, int len) throws InterruptedException;
    }
    private Terminal.Saved savedTerminal;

    /** @param inputFd where console input comes from (stdin), or -1 for none */
    public SerialConsole(ConsoleOutput output, int inputFd, VmLifecycle lifecycle) {
        this.output = output;
        this.inputFd = inputFd;
        this.lifecycle = lifecycle;
    }

    public IntConsumer output() {
        return output;
    }

    public void attach(Serial16550 serial) {
        this.serial = serial;
        this.target = this::feedSerial;
    }

    /** Sends console input to {@code other} instead of the UART (e.g. virtio-console). */
    public void redirectInput(InputTarget other) {
        this.target = other;
    }

    /** Starts forwarding stdin; puts a terminal in raw mode first. */
    public void start() {
        if (inputFd < 0) {
            return;
        }
        boolean interactive = Terminal.isatty(inputFd);
        if (interactive) {
            try {
                savedTerminal = Terminal.makeRaw(inputFd);
                Runtime.getRuntime().addShutdownHook(new Thread(this::restoreTerminal));
            } catch (ErrnoException e) {
                LOG.warn("can't put the terminal in raw mode: {}", e.getMessage());
            }
        }
        Thread.ofPlatform().daemon().name("console-in").start(() -> pump(interactive));
    }

    private void pump(boolean interactive) {
        EscapeFilter escape = interactive ? new EscapeFilter() : null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            byte[] bytes = new byte[256];
            while (!lifecycle.isStopping()) {
                long n = Libc.read(inputFd, buf);
                if (n <= 0) {
                    return; // end of input: the guest keeps running without it
                }
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, bytes, 0, (int) n);
                int len = (int) n;
                if (escape != null) {
                    len = escape.filter(bytes, len);
                    if (escape.quitRequested()) {
                        lifecycle.requestStop(ExitReason.STOPPED, "quit from the console (Ctrl-A x)");
                    }
                }
                target.feed(bytes, len);
            }
        } catch (ErrnoException e) {
            LOG.debug("console input ended: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void feedSerial(byte[] bytes, int len) throws InterruptedException {
        int off = 0;
        while (off < len && !lifecycle.isStopping()) {
            int n = serial.enqueueInput(bytes, off, len - off);
            off += n;
            if (n == 0) {
                serial.awaitSpace(100);
            }
        }
    }

    private synchronized void restoreTerminal() {
        if (savedTerminal != null) {
            try {
                savedTerminal.restore();
            } catch (ErrnoException e) {
                LOG.warn("can't restore the terminal: {}", e.getMessage());
            }
            savedTerminal = null;
        }
    }

    @Override
    public void close() {
        output.close();
        restoreTerminal();
    }
}
