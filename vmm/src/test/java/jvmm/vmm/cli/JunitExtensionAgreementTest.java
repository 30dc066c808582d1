package jvmm.vmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jvmm.junit.GuestSpec;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Test;

/** The JUnit extension repeats a few of the VMM's facts without depending on its classes: they must agree. */
class JunitExtensionAgreementTest {

    @Test
    void theDefaultCommandLineIsTheVmms() {
        assertThat(GuestSpec.DEFAULT_CMDLINE).isEqualTo(VmConfig.DEFAULT_CMDLINE);
    }
}
