package jvmm.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerDevicesTest {

    private final List<String> events = new ArrayList<>();

    @Test
    void acpiSleepControlWithS5TypeAndEnablePowersOff() {
        AcpiPm pm = new AcpiPm(5, () -> events.add("off"), () -> events.add("reset"));
        pm.write(AcpiPm.SLEEP_CONTROL, new byte[] {(byte) (5 << 2)}); // no SLP_EN: nothing
        pm.write(AcpiPm.SLEEP_CONTROL, new byte[] {(byte) ((3 << 2) | 0x20)}); // S3: not supported
        assertThat(events).isEmpty();
        pm.write(AcpiPm.SLEEP_CONTROL, new byte[] {(byte) ((5 << 2) | 0x20)});
        assertThat(events).containsExactly("off");
    }

    @Test
    void acpiResetRegisterResets() {
        AcpiPm pm = new AcpiPm(5, () -> events.add("off"), () -> events.add("reset"));
        pm.write(AcpiPm.RESET, new byte[] {2});
        pm.write(AcpiPm.RESET, new byte[] {AcpiPm.RESET_VALUE});
        assertThat(events).containsExactly("reset");
    }

    @Test
    void pvpanicReportsPanicOnlyForThePanickedBit() {
        PvPanic p = new PvPanic(() -> events.add("panic"));
        byte[] d = new byte[1];
        p.read(0, d);
        assertThat(d[0]).isEqualTo((byte) PvPanic.PANICKED);
        p.write(0, new byte[] {PvPanic.CRASH_LOADED});
        p.write(0, new byte[] {PvPanic.PANICKED});
        assertThat(events).containsExactly("panic");
    }

    @Test
    void bootTimerCountsOnlyTheFirstMagicWrite() {
        BootTimer t = new BootTimer(System.nanoTime());
        t.write(0, new byte[] {1});
        assertThat(t.elapsedNanos()).isEqualTo(-1);
        t.write(0, new byte[] {(byte) BootTimer.MAGIC});
        long first = t.elapsedNanos();
        assertThat(first).isPositive();
        t.write(0, new byte[] {(byte) BootTimer.MAGIC});
        assertThat(t.elapsedNanos()).isEqualTo(first);
    }

    @Test
    void exitStatusPortKeepsTheLastStatus() {
        ExitStatusPort p = new ExitStatusPort();
        assertThat(p.status()).isEmpty();
        p.write(0, new byte[] {(byte) 200});
        assertThat(p.status()).hasValue(200);
    }

    @Test
    void debugExitEndsWithQemusStatusForAnyWrite() {
        List<Integer> statuses = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        DebugExit d = new DebugExit((value, status) -> {
            values.add(value);
            statuses.add(status);
        });
        d.write(0, new byte[] {0});
        d.write(1, new byte[] {1});
        d.write(0, new byte[] {0x7f});
        d.write(0, new byte[] {(byte) 0x80}); // (0x80 << 1) | 1 = 0x101: a process sees 1
        d.write(0, new byte[] {2, 0}); // a 16-bit write of 2
        assertThat(statuses).containsExactly(1, 3, 255, 1, 5);
        assertThat(values).containsExactly(0L, 1L, 0x7fL, 0x80L, 2L);
        byte[] r = {(byte) 0xff};
        d.read(0, r);
        assertThat(r[0]).isZero();
    }
}
