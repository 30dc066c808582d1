package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jvmm.junit.Guest;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Our JUnit extension seen from outside: a test that fails while its guest runs is run through
 * the JUnit Platform launcher, and afterwards the VMM (with the sandbox's QEMU, where there is
 * one) must be gone and the scratch disk made for it deleted.
 */
class JvmmExtensionIT {

    private static volatile ProcessHandle vmm;
    private static volatile List<ProcessHandle> started;
    private static volatile List<Path> disks;
    private static volatile String placement;

    @Test
    void aGuestIsKilledAndItsDisksDeletedWhenItsTestFails() {
        var listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(FailingKernelTest.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();

        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        Throwable why = summary.getFailures().getFirst().getException();
        assertThat(why).hasMessageContaining("deliberate failure while the guest runs");
        assertThat(vmm).as("the failing test booted its guest").isNotNull();
        assertThat(placement).isIn("direct", "sandbox");
        assertThat(vmm.isAlive()).as("the VMM process after teardown").isFalse();
        assertThat(started).as("what the VMM had started").isNotEmpty()
                .allSatisfy(p -> assertThat(p.isAlive()).as("pid %d %s", p.pid(), p.info().command().orElse("")).isFalse());
        assertThat(disks).hasSize(1).allSatisfy(p -> assertThat(p).doesNotExist());
    }

    /** Run only by the test above, through the launcher (failsafe does not pick up nested classes). */
    @ExtendWith(JvmmExtension.class)
    static class FailingKernelTest {

        @Test
        void failsWhileTheGuestRuns(@Guest(disks = "scratch:16M") GuestVm vm) throws Exception {
            vm.awaitLine("jvmm-guest: ready .*virtio=vda", Duration.ofMinutes(8));
            vmm = vm.process();
            started = vm.process().descendants().toList();
            disks = vm.createdDisks();
            placement = vm.placement();
            assertThat(disks).allSatisfy(p -> assertThat(Files.size(p)).isEqualTo(16L << 20));
            fail("deliberate failure while the guest runs");
        }
    }
}
