package jvmm.vmm.vcpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import jvmm.kvm.Cpuid;
import jvmm.kvm.CpuidEntry;
import org.junit.jupiter.api.Test;

class CpuidSetupTest {

    private static final int TSC_DEADLINE = 1 << 24;
    private static final int HYPERVISOR = 1 << 31;
    private static final int X2APIC = 1 << 21;

    /** Leaf 1 as a host KVM older than 6.14 reports it: x2APIC, no TSC-deadline, no hypervisor bit. */
    private static Cpuid supported(int leaf1Ecx) {
        return new Cpuid(List.of(
                new CpuidEntry(0x0, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65),
                new CpuidEntry(0x1, 0, 0, 0x00a20f12, 0x00100800, leaf1Ecx, 0x178bfbff | (1 << 28))));
    }

    private static CpuidEntry leaf1(Cpuid cpuid) {
        return cpuid.find(0x1, 0).orElseThrow();
    }

    @Test
    void setsTheTscDeadlineBitWhenKvmEmulatesItAndLeavesTheRest() {
        Cpuid out = CpuidSetup.forVcpu(supported(X2APIC), 0, 1, true);
        assertThat(leaf1(out).ecx()).isEqualTo(X2APIC | TSC_DEADLINE | HYPERVISOR);
    }

    @Test
    void withoutTheCapabilityTheBitStaysAsKvmReportsIt() {
        assertThat(leaf1(CpuidSetup.forVcpu(supported(X2APIC), 0, 1, false)).ecx() & TSC_DEADLINE).isZero();
        // Linux 6.14 and later report it in KVM_GET_SUPPORTED_CPUID themselves: kept.
        assertThat(leaf1(CpuidSetup.forVcpu(supported(X2APIC | TSC_DEADLINE), 0, 1, false)).ecx() & TSC_DEADLINE)
                .isEqualTo(TSC_DEADLINE);
    }

    @Test
    void eachVcpuGetsItsOwnApicIdAndTheCountOfLogicalProcessors() {
        Cpuid in = supported(X2APIC);
        Cpuid second = CpuidSetup.forVcpu(in, 1, 2, true);
        assertThat(leaf1(second).ebx() >>> 24).isEqualTo(1);
        assertThat((leaf1(second).ebx() >>> 16) & 0xff).isEqualTo(2);
        assertThat(leaf1(second).edx() & (1 << 28)).as("HTT with more than one vCPU").isNotZero();
        assertThat(leaf1(CpuidSetup.forVcpu(in, 0, 1, true)).edx() & (1 << 28)).as("no HTT alone").isZero();
        // the supported table itself is not edited
        assertThat(leaf1(in).ecx()).isEqualTo(X2APIC);
    }
}
