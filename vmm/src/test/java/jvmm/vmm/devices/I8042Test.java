package jvmm.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {

    private final AtomicInteger resets = new AtomicInteger();
    private final I8042 kbd = new I8042(resets::incrementAndGet);

    private int read(int offset) {
        byte[] b = new byte[1];
        kbd.read(offset, b);
        return b[0] & 0xff;
    }

    @Test
    void resetCommandEndsTheVm() {
        kbd.write(I8042.COMMAND_OFFSET, new byte[] {(byte) 0xfe});
        assertThat(resets.get()).isEqualTo(1);
    }

    @Test
    void selfTestAnswers0x55ThroughTheOutputBuffer() {
        assertThat(read(I8042.COMMAND_OFFSET) & 1).isZero();
        kbd.write(I8042.COMMAND_OFFSET, new byte[] {(byte) 0xaa});
        assertThat(read(I8042.COMMAND_OFFSET) & 1).isEqualTo(1);
        assertThat(read(I8042.DATA_OFFSET)).isEqualTo(0x55);
        assertThat(read(I8042.COMMAND_OFFSET) & 1).isZero();
    }

    @Test
    void controlByteCanBeWrittenAndReadBack() {
        kbd.write(I8042.COMMAND_OFFSET, new byte[] {0x60});
        kbd.write(I8042.DATA_OFFSET, new byte[] {0x47});
        kbd.write(I8042.COMMAND_OFFSET, new byte[] {0x20});
        assertThat(read(I8042.DATA_OFFSET)).isEqualTo(0x47);
        assertThat(resets.get()).isZero();
    }
}
