package jvmm.vmm.devices;

import java.util.function.IntConsumer;

/**
 * A 16550A UART (COM1), as a register state machine: what the guest writes to THR goes to
 * {@code output}, bytes given to {@link #enqueueInput} are what it reads from RBR. Transmission
 * is instant, so THR is always empty; a 64-byte receive FIFO with backpressure (the input side
 * waits for room, nothing is dropped). Loopback, scratch and FIFO detection behave as Linux's 8250
 * probing expects, so the kernel identifies a 16550A and never waits on it.
 *
 * <p>Threat model: the guest controls every register write; nothing it writes makes this device
 * block, allocate, or touch anything but its own registers and the output sink.
 */
public final class Serial16550 implements BusDevice {

    public static final int FIFO_SIZE = 64;

    // Register offsets.
    private static final int DATA = 0; // RBR (read) / THR (write); DLL when DLAB
    private static final int IER = 1; // DLM when DLAB
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private static final int LCR_DLAB = 0x80;
    private static final int IER_RDA = 0x01; // received data available
    private static final int IER_THRE = 0x02; // transmitter holding register empty
    private static final int IER_MASK = 0x0f;
    private static final int IIR_NONE = 0x01;
    private static final int IIR_THRE = 0x02;
    private static final int IIR_RDA = 0x04;
    private static final int IIR_FIFO_ENABLED = 0xc0;
    private static final int FCR_ENABLE = 0x01;
    private static final int FCR_CLEAR_RX = 0x02;
    private static final int LSR_DR = 0x01;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;
    private static final int MCR_LOOP = 0x10;
    private static final int MCR_MASK = 0x1f;
    // Modem status as seen with a peer that is always there: DCD, DSR, CTS.
    private static final int MSR_DEFAULT = 0xb0;

    private final IntConsumer output;
    private final IrqLine irq;

    private final byte[] fifo = new byte[FIFO_SIZE];
    private int fifoHead;
    private int fifoCount;

    private int ier;
    private int lcr = 0x03; // 8N1
    private int mcr = 0x08; // OUT2
    private int scr;
    private int fcr;
    private int dll = 0x0c; // 9600 baud
    private int dlm;
    private boolean thrEmptyPending = true;

    /**
     * @param output receives each byte the guest transmits (on a vCPU thread; must not block long)
     * @param irq raised when an enabled interrupt condition appears
     */
    public Serial16550(IntConsumer output, IrqLine irq) {
        this.output = output;
        this.irq = irq;
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        int value = switch ((int) offset) {
            case DATA -> (lcr & LCR_DLAB) != 0 ? dll : readRbr();
            case IER -> (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case IIR_FCR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> LSR_THRE | LSR_TEMT | (fifoCount > 0 ? LSR_DR : 0);
            case MSR -> readMsr();
            case SCR -> scr;
            default -> 0xff;
        };
        data[0] = (byte) value;
        for (int i = 1; i < data.length; i++) {
            data[i] = 0;
        }
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        int value = data[0] & 0xff;
        switch ((int) offset) {
            case DATA -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dll = value;
                } else {
                    transmit(value);
                }
            }
            case IER -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dlm = value;
                } else {
                    setIer(value);
                }
            }
            case IIR_FCR -> {
                fcr = value & ~0x06; // the clear bits are self-clearing
                if ((value & FCR_CLEAR_RX) != 0) {
                    fifoCount = 0;
                    notifyAll();
                }
            }
            case LCR -> lcr = value;
            case MCR -> mcr = value & MCR_MASK;
            case SCR -> scr = value;
            default -> { } // LSR and MSR are read-only
        }
    }

    /**
     * Queues bytes for the guest to read. Returns how many fit (0 when the FIFO is full; the
     * caller waits with {@link #awaitSpace} and retries, so no input is dropped).
     */
    public synchronized int enqueueInput(byte[] src, int off, int len) {
        int n = Math.min(len, FIFO_SIZE - fifoCount);
        for (int i = 0; i < n; i++) {
            fifo[(fifoHead + fifoCount + i) % FIFO_SIZE] = src[off + i];
        }
        boolean wasEmpty = fifoCount == 0;
        fifoCount += n;
        if (n > 0 && wasEmpty && (ier & IER_RDA) != 0) {
            irq.trigger();
        }
        return n;
    }

    /** Waits until the receive FIFO has room, or the timeout passes. */
    public synchronized void awaitSpace(long timeoutMillis) throws InterruptedException {
        if (fifoCount == FIFO_SIZE) {
            wait(timeoutMillis);
        }
    }

    private void transmit(int value) {
        if ((mcr & MCR_LOOP) != 0) {
            // Loopback: what is sent comes straight back in, as Linux's probe checks.
            enqueueInput(new byte[] {(byte) value}, 0, 1);
        } else {
            output.accept(value);
        }
        // The byte left at once: THR is empty again.
        thrEmptyPending = true;
        if ((ier & IER_THRE) != 0) {
            irq.trigger();
        }
    }

    private void setIer(int value) {
        int old = ier;
        ier = value & IER_MASK;
        // Enabling an interrupt whose condition already holds raises it, as the real chip does.
        if ((ier & IER_THRE) != 0 && (old & IER_THRE) == 0) {
            thrEmptyPending = true;
            irq.trigger();
        } else if ((ier & IER_RDA) != 0 && (old & IER_RDA) == 0 && fifoCount > 0) {
            irq.trigger();
        }
    }

    private int readRbr() {
        if (fifoCount == 0) {
            return 0;
        }
        int value = fifo[fifoHead] & 0xff;
        fifoHead = (fifoHead + 1) % FIFO_SIZE;
        fifoCount--;
        if (fifoCount == FIFO_SIZE - 1) {
            notifyAll(); // the input side may add more
        }
        if (fifoCount > 0 && (ier & IER_RDA) != 0) {
            irq.trigger(); // edge-triggered line: signal that data is still there
        }
        return value;
    }

    private int readIir() {
        int fifoBits = (fcr & FCR_ENABLE) != 0 ? IIR_FIFO_ENABLED : 0;
        if ((ier & IER_RDA) != 0 && fifoCount > 0) {
            return IIR_RDA | fifoBits;
        }
        if ((ier & IER_THRE) != 0 && thrEmptyPending) {
            thrEmptyPending = false; // reading IIR clears a THRE interrupt
            return IIR_THRE | fifoBits;
        }
        return IIR_NONE | fifoBits;
    }

    private int readMsr() {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_DEFAULT;
        }
        // Loopback wiring: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
        int msr = 0;
        if ((mcr & 0x02) != 0) msr |= 0x10;
        if ((mcr & 0x01) != 0) msr |= 0x20;
        if ((mcr & 0x04) != 0) msr |= 0x40;
        if ((mcr & 0x08) != 0) msr |= 0x80;
        return msr;
    }
}
