package jvmm.vmm.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jvmm.vmm.config.ConfigException;
import org.junit.jupiter.api.Test;

class VirtioMmioSlotsTest {

    @Test
    void slotsGetConsecutiveWindowsAndIrqsFromFive() {
        var slots = new VirtioMmioSlots(3).slots();
        assertThat(slots).extracting(s -> s.base().value()).containsExactly(0xd000_0000L, 0xd000_1000L, 0xd000_2000L);
        assertThat(slots).extracting(s -> s.gsi()).containsExactly(5, 6, 7);
        assertThat(slots).allSatisfy(s -> assertThat(s.size()).isEqualTo(0x200));
    }

    @Test
    void commandLineAnnouncesEverySlotForKernelsWithCmdlineDiscovery() {
        assertThat(new VirtioMmioSlots(2).cmdlineDevices())
                .isEqualTo(" virtio_mmio.device=512@0xd0000000:5 virtio_mmio.device=512@0xd0001000:6");
        assertThat(new VirtioMmioSlots(0).cmdlineDevices()).isEmpty();
    }

    @Test
    void moreDevicesThanIrqsIsAUserError() {
        assertThat(new VirtioMmioSlots(19).slots()).hasSize(19);
        assertThatThrownBy(() -> new VirtioMmioSlots(20)).isInstanceOf(ConfigException.class).hasMessageContaining("at most 19");
    }
}
