package jvmm.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole VMM in-process on KVM with the tiny guest (guest-images/tiny): our long-mode setup
 * (GDT, page tables, sregs), the ELF loader, the vCPU exit loop, port I/O to the UART, ACPI
 * poweroff, and a clean stop of every vCPU thread.
 */
@Tag("kvm")
class TinyGuestKvmTest {

    private static Path tinyGuest() throws Exception {
        return TinyGuests.build();
    }

    @ParameterizedTest(name = "{0} vCPU(s)")
    @ValueSource(ints = {1, 2})
    void tinyGuestPrintsInLongModeAndPowersOff(int cpus) throws Exception {
        var config = new VmConfig(tinyGuest(), Optional.empty(), "", 32L << 20, cpus);
        var console = new ByteArrayOutputStream();
        ExitReason reason;
        try (Vmm vmm = Vmm.create(config, console, -1)) {
            reason = vmm.run();
        }
        assertThat(reason).isEqualTo(ExitReason.POWEROFF);
        assertThat(console.toString(StandardCharsets.US_ASCII)).isEqualTo("tiny-guest: hello from long mode\n");
    }

    @Test
    void vmsRunOneAfterAnotherInOneProcess() throws Exception {
        Path kernel = tinyGuest();
        for (int i = 0; i < 3; i++) {
            var console = new ByteArrayOutputStream();
            try (Vmm vmm = Vmm.create(new VmConfig(kernel, Optional.empty(), "", 16L << 20, 1), console, -1)) {
                assertThat(vmm.run()).isEqualTo(ExitReason.POWEROFF);
            }
            assertThat(console.toString(StandardCharsets.US_ASCII)).contains("hello from long mode");
        }
    }
}
