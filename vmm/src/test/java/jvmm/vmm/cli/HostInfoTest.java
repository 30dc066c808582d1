package jvmm.vmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostInfoTest {

    @Test
    void readsMemTotalInBytes() {
        assertThat(HostInfo.memTotal("MemTotal:       24577436 kB\nMemFree:         1000 kB\n"))
                .isEqualTo(24577436L * 1024);
        assertThat(HostInfo.memTotal("Other: 5 kB\nMemTotal:\t2048 kB\n")).isEqualTo(2048L * 1024);
    }

    @Test
    void withoutAMemTotalLineIsUnknown() {
        assertThat(HostInfo.memTotal("MemFree: 1000 kB\n")).isEqualTo(-1);
        assertThat(HostInfo.memTotal("XMemTotal: 1000 kB\n")).isEqualTo(-1);
        assertThat(HostInfo.memTotal("MemTotal: kB\n")).isEqualTo(-1);
        assertThat(HostInfo.memTotal("")).isEqualTo(-1);
    }

    @Test
    void thisHostHasSome() {
        assertThat(HostInfo.totalMemoryBytes()).isGreaterThan(64L << 20);
    }
}
