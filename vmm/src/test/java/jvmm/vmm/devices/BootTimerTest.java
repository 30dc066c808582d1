package jvmm.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BootTimerTest {

    @Test
    void millisecondsToATenthAsStringFormatWouldRoundThem() {
        for (long nanos : new long[] {0, 49_999, 50_000, 1_234_560_000L, 987_654_321_000L, 99_950_000}) {
            assertThat(BootTimer.millis(nanos)).as("%d ns", nanos).isEqualTo(String.format("%.1f", nanos / 1e6));
        }
        assertThat(BootTimer.millis(-5)).isEqualTo("0.0");
    }

    @Test
    void onlyTheFirstMagicWriteCounts() throws InterruptedException {
        BootTimer timer = new BootTimer(System.nanoTime());
        assertThat(timer.elapsedNanos()).isEqualTo(-1);
        timer.write(0, new byte[] {1});
        assertThat(timer.elapsedNanos()).isEqualTo(-1);
        timer.write(0, new byte[] {(byte) BootTimer.MAGIC});
        long first = timer.elapsedNanos();
        assertThat(first).isNotNegative();
        Thread.sleep(5);
        timer.write(0, new byte[] {(byte) BootTimer.MAGIC});
        assertThat(timer.elapsedNanos()).isEqualTo(first);
    }
}
