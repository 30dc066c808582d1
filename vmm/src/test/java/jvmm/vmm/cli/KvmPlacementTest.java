package jvmm.vmm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher's answer to "where does KVM work go" is taken as it is, without starting kvm-where. */
class KvmPlacementTest {

    private String home;

    @BeforeEach
    void noCheckout() {
        assumeTrue(System.getenv("JVMM_IN_SANDBOX") == null, "inside the sandbox the answer is always 'here'");
        // Without jvmm.home there is no kvm-where to start: only the property can say "sandbox".
        home = System.clearProperty(DefaultGuest.HOME_PROPERTY);
    }

    @AfterEach
    void restore() {
        System.clearProperty(KvmPlacement.WHERE_PROPERTY);
        if (home != null) {
            System.setProperty(DefaultGuest.HOME_PROPERTY, home);
        }
    }

    @Test
    void theLaunchersAnswerDecides() throws Exception {
        System.setProperty(KvmPlacement.WHERE_PROPERTY, "sandbox");
        assertThat(KvmPlacement.needsSandbox()).isTrue();
        System.setProperty(KvmPlacement.WHERE_PROPERTY, "direct");
        assertThat(KvmPlacement.needsSandbox()).isFalse();
    }

    @Test
    void withoutAnAnswerNorACheckoutKvmIsUsedAsItIs() throws Exception {
        System.setProperty(KvmPlacement.WHERE_PROPERTY, "");
        assertThat(KvmPlacement.needsSandbox()).isFalse();
    }
}
