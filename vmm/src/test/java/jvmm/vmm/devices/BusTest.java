package jvmm.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusTest {

    private static final class Recorder implements BusDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public void read(long offset, byte[] data) {
            log.add("r" + offset + "/" + data.length);
            data[0] = 42;
        }

        @Override
        public void write(long offset, byte[] data) {
            log.add("w" + offset + "=" + data[0]);
        }
    }

    @Test
    void routesByRangeWithOffsetsRelativeToTheBase() {
        Bus bus = new Bus("pio");
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        bus.register(0x3f8, 8, a);
        bus.register(0x60, 5, b);
        assertThat(bus.write(0x3fd, new byte[] {7})).isTrue();
        byte[] d = new byte[1];
        assertThat(bus.read(0x64, d)).isTrue();
        assertThat(a.log).containsExactly("w5=7");
        assertThat(b.log).containsExactly("r4/1");
        assertThat(d[0]).isEqualTo((byte) 42);
    }

    @Test
    void unclaimedReadsAreAllOnesAndWritesAreDropped() {
        Bus bus = new Bus("pio");
        bus.register(0x3f8, 8, new Recorder());
        byte[] d = new byte[2];
        assertThat(bus.read(0x80, d)).isFalse();
        assertThat(d).containsExactly(0xff, 0xff);
        assertThat(bus.write(0x400, new byte[] {1})).isFalse();
    }

    @Test
    void accessStraddlingTheEndOfARangeIsNotRouted() {
        Bus bus = new Bus("mmio");
        Recorder r = new Recorder();
        bus.register(0x1000, 4, r);
        assertThat(bus.read(0x1002, new byte[4])).isFalse();
        assertThat(r.log).isEmpty();
    }

    @Test
    void overlappingRangesAreRefused() {
        Bus bus = new Bus("pio");
        bus.register(0x10, 0x10, new Recorder());
        assertThatThrownBy(() -> bus.register(0x18, 4, new Recorder())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bus.register(0x08, 0x10, new Recorder())).isInstanceOf(IllegalStateException.class);
        bus.register(0x20, 1, new Recorder());
    }

    @Test
    void sealedBusRefusesNewDevices() {
        Bus bus = new Bus("pio");
        bus.seal();
        assertThatThrownBy(() -> bus.register(0, 1, new Recorder())).isInstanceOf(IllegalStateException.class);
    }
}
