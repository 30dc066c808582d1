package jvmm.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class Serial16550Test {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicInteger irqs = new AtomicInteger();
    private final Serial16550 uart = new Serial16550(out::write, irqs::incrementAndGet);

    private int read(int offset) {
        byte[] b = new byte[1];
        uart.read(offset, b);
        return b[0] & 0xff;
    }

    private void write(int offset, int value) {
        uart.write(offset, new byte[] {(byte) value});
    }

    @Test
    void bytesWrittenToThrReachTheOutput() {
        for (byte c : "hi\n".getBytes()) {
            write(0, c);
        }
        assertThat(out.toString()).isEqualTo("hi\n");
    }

    @Test
    void transmitterIsAlwaysEmpty() {
        assertThat(read(5) & 0x60).isEqualTo(0x60);
    }

    @Test
    void divisorLatchShadowsDataAndIer() {
        write(3, 0x80); // DLAB
        write(0, 0x01);
        write(1, 0x02);
        assertThat(read(0)).isEqualTo(0x01);
        assertThat(read(1)).isEqualTo(0x02);
        write(3, 0x03);
        write(0, 'x');
        assertThat(out.toString()).isEqualTo("x");
        assertThat(read(1)).isZero();
    }

    @Test
    void scratchRegisterKeepsItsValue() {
        write(7, 0xa5);
        assertThat(read(7)).isEqualTo(0xa5);
    }

    @Test
    void loopbackEchoesDataAndWiresModemLines() {
        write(4, 0x10 | 0x0a); // loop, RTS, OUT2
        assertThat(read(6) & 0xf0).isEqualTo(0x90); // CTS, DCD as Linux's probe expects
        write(0, 'z');
        assertThat(out.size()).isZero();
        assertThat(read(5) & 1).isEqualTo(1);
        assertThat(read(0)).isEqualTo('z');
    }

    @Test
    void fifoEnabledReads16550aSignature() {
        write(2, 0x07);
        assertThat(read(2) & 0xc0).isEqualTo(0xc0);
        write(2, 0x00);
        assertThat(read(2) & 0xc0).isZero();
    }

    @Test
    void inputRaisesReceiveInterruptWhenEnabled() {
        write(1, 0x01);
        assertThat(uart.enqueueInput("ab".getBytes(), 0, 2)).isEqualTo(2);
        assertThat(irqs.get()).isEqualTo(1);
        assertThat(read(2) & 0x0f).isEqualTo(0x04);
        assertThat(read(5) & 1).isEqualTo(1);
        assertThat(read(0)).isEqualTo('a');
        assertThat(read(0)).isEqualTo('b');
        assertThat(read(5) & 1).isZero();
        assertThat(read(2) & 0x0f).isEqualTo(0x01);
    }

    @Test
    void fullFifoRefusesInputInsteadOfDroppingIt() {
        byte[] data = new byte[100];
        assertThat(uart.enqueueInput(data, 0, data.length)).isEqualTo(Serial16550.FIFO_SIZE);
        assertThat(uart.enqueueInput(data, 0, 1)).isZero();
        read(0);
        assertThat(uart.enqueueInput(data, 0, 1)).isEqualTo(1);
    }

    @Test
    void enablingThreInterruptRaisesItAndIirReadClearsIt() {
        write(1, 0x02);
        assertThat(irqs.get()).isEqualTo(1);
        assertThat(read(2) & 0x0f).isEqualTo(0x02);
        assertThat(read(2) & 0x0f).isEqualTo(0x01);
        write(0, 'a');
        assertThat(irqs.get()).isEqualTo(2);
        assertThat(read(2) & 0x0f).isEqualTo(0x02);
    }
}
