package jvmm.vmm.vcpu;

import jvmm.kvm.Cpuid;
import jvmm.kvm.CpuidEntry;

/**
 * Turns KVM_GET_SUPPORTED_CPUID into what one vCPU of an N-vCPU VM reports: its APIC id, a
 * topology of N cores in one package with one thread each, the hypervisor bit, and the local
 * APIC's TSC-deadline timer mode where KVM emulates it. Everything else stays as KVM supports it.
 *
 * <p>KVM emulates the TSC-deadline timer in its in-kernel local APIC (KVM_CAP_TSC_DEADLINE_TIMER)
 * but, before Linux 6.14, leaves CPUID.1:ECX[24] clear in KVM_GET_SUPPORTED_CPUID: the VMM has to
 * set it (api.rst), as QEMU and Firecracker do. Without it a Linux guest runs the APIC timer in
 * one-shot mode, counting at a bus rate it first measures against another clock while booting.
 */
public final class CpuidSetup {

    private static final int LEAF_FEATURES = 0x1;
    private static final int LEAF_CACHE = 0x4;
    private static final int LEAF_TOPOLOGY = 0xb;
    private static final int LEAF_TOPOLOGY_V2 = 0x1f;
    private static final int LEAF_AMD_SIZES = 0x8000_0008;
    private static final int LEAF_AMD_TOPOLOGY = 0x8000_001e;

    private static final int ECX_TSC_DEADLINE = 1 << 24;
    private static final int ECX_HYPERVISOR = 1 << 31;
    private static final int EDX_HTT = 1 << 28;
    private static final int LEVEL_SMT = 1;
    private static final int LEVEL_CORE = 2;

    private CpuidSetup() {
    }

    /**
     * A copy of {@code supported} adjusted for vCPU {@code id} of {@code count}; {@code tscDeadline}:
     * KVM has KVM_CAP_TSC_DEADLINE_TIMER and the VM its in-kernel irqchip.
     */
    public static Cpuid forVcpu(Cpuid supported, int id, int count, boolean tscDeadline) {
        Cpuid cpuid = supported.copy();
        int coreBits = bitsFor(count);
        for (CpuidEntry e : cpuid.entries()) {
            switch (e.function()) {
                case LEAF_FEATURES -> {
                    // ebx[31:24] initial APIC id, ebx[23:16] addressable logical processors.
                    e.ebx((e.ebx() & 0xffff) | (id << 24) | (Math.min(count, 255) << 16));
                    e.ecx(e.ecx() | ECX_HYPERVISOR | (tscDeadline ? ECX_TSC_DEADLINE : 0));
                    e.edx(count > 1 ? e.edx() | EDX_HTT : e.edx() & ~EDX_HTT);
                }
                case LEAF_CACHE -> {
                    int level = (e.eax() >>> 5) & 0x7;
                    int sharing = level >= 3 ? count - 1 : 0; // L3 shared by all cores
                    e.eax((e.eax() & 0x3fff) | ((count - 1) << 26) | (sharing << 14));
                }
                case LEAF_TOPOLOGY, LEAF_TOPOLOGY_V2 -> topology(e, id, count, coreBits);
                case LEAF_AMD_SIZES -> e.ecx((e.ecx() & ~0xf0ff) | (coreBits << 12) | (count - 1));
                case LEAF_AMD_TOPOLOGY -> {
                    e.eax(id); // extended APIC id
                    e.ebx(id & 0xff); // compute unit id, one thread per unit
                    e.ecx(0); // node 0
                }
                default -> { }
            }
        }
        return cpuid;
    }

    private static void topology(CpuidEntry e, int id, int count, int coreBits) {
        e.edx(id); // x2APIC id, in every sub-leaf
        switch (e.index()) {
            case 0 -> { // SMT level: one thread per core
                e.eax(0);
                e.ebx(1);
                e.ecx((LEVEL_SMT << 8));
            }
            case 1 -> { // core level: all vCPUs in one package
                e.eax(coreBits);
                e.ebx(count);
                e.ecx((LEVEL_CORE << 8) | 1);
            }
            default -> { // no further levels
                e.eax(0);
                e.ebx(0);
                e.ecx(e.index());
            }
        }
    }

    /** Bits of the APIC id that number the cores: ceil(log2(count)). */
    static int bitsFor(int count) {
        return count <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(count - 1);
    }
}
