package jvmm.kvm;

import java.util.List;
import java.util.OptionalLong;

import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.EventFd;
import jvmm.kvm.sys.Mapping;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The KVM wrappers against a real /dev/kvm (host KVM or the KVM sandbox); never skipped. */
@Tag("kvm")
class KvmApiKvmTest {

    @Test
    void systemFdAnswersVersionSizesAndCapabilities() throws Exception {
        try (Kvm kvm = Kvm.open()) {
            assertThat(kvm.apiVersion()).isEqualTo(Kvm.KVM_API_VERSION);
            assertThat(kvm.vcpuMmapSize()).isGreaterThanOrEqualTo(KvmLayouts.KVM_RUN.byteSize());
            assertThat(kvm.maxVcpus()).isPositive();
            for (int cap : new int[] {KvmCap.KVM_CAP_IRQCHIP, KvmCap.KVM_CAP_IRQFD, KvmCap.KVM_CAP_IOEVENTFD,
                    KvmCap.KVM_CAP_USER_MEMORY, KvmCap.KVM_CAP_PIT2, KvmCap.KVM_CAP_EXT_CPUID,
                    KvmCap.KVM_CAP_IMMEDIATE_EXIT}) {
                assertThat(kvm.checkExtension(cap)).as("KVM_CAP %d", cap).isPositive();
            }
        }
    }

    @Test
    void supportedCpuidHasTheVendorLeafAndGrowsPastE2big() throws Exception {
        try (Kvm kvm = Kvm.open()) {
            Cpuid cpuid = kvm.supportedCpuid();

            assertThat(cpuid.entries()).isNotEmpty();
            assertThat(cpuid.find(0, 0)).isPresent();
            assertThat(cpuid.find(0, 0).orElseThrow().eax()).isPositive();
            assertThatThrownBy(() -> kvm.supportedCpuid(1))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.E2BIG));
        }
    }

    @Test
    void vmWithIrqchipPitIrqfdAndIoeventfd() throws Exception {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); Mapping ram = Mapping.anonymous(1 << 20);
             EventFd irq = EventFd.create(); EventFd kick = EventFd.create()) {
            vm.setTssAddr(0xfffb_d000L);
            vm.setIdentityMapAddr(0xfffb_c000L);
            vm.createIrqchip();
            vm.createPit2(VmFd.KVM_PIT_SPEAKER_DUMMY);
            vm.setUserMemoryRegion(0, 0, 0, 1 << 20, ram.segment());

            vm.irqfd(irq, 5);
            vm.ioeventfd(kick, 0xd000_0050L, 4, OptionalLong.of(0), false);
            vm.ioeventfd(kick, 0x510, 2, OptionalLong.empty(), true);
            vm.irqLine(4, true);
            vm.irqLine(4, false);

            vm.ioeventfdDeassign(kick, 0x510, 2, OptionalLong.empty(), true);
            vm.ioeventfdDeassign(kick, 0xd000_0050L, 4, OptionalLong.of(0), false);
            vm.irqfdDeassign(irq, 5);
            assertThat(vm.checkExtension(KvmCap.KVM_CAP_IRQFD)).isPositive();
            assertThatThrownBy(() -> vm.createIrqchip()).isInstanceOf(ErrnoException.class);
        }
    }

    @Test
    void vcpuStateRoundTrips() throws Exception {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm()) {
            vm.createIrqchip();
            try (VcpuFd vcpu = vm.createVcpu(0)) {
                vcpu.setCpuid2(kvm.supportedCpuid());
                vcpu.setRegs(new Regs().set(Regs.Reg.RIP, 0x1234).set(Regs.Reg.RSP, 0x8000)
                        .set(Regs.Reg.RFLAGS, Regs.RFLAGS_RESERVED));
                Sregs sregs = vcpu.getSregs();
                sregs.cs().base(0x10000);
                vcpu.setSregs(sregs);
                Fpu fpu = new Fpu();
                fpu.fcw(Fpu.FCW_DEFAULT);
                fpu.mxcsr(Fpu.MXCSR_DEFAULT);
                vcpu.setFpu(fpu);
                vcpu.setMsrs(List.of(new MsrEntry(0x174, 0x10), new MsrEntry(0x175, 0x2000)));
                LapicState lapic = vcpu.getLapic();
                lapic.deliveryMode(LapicState.APIC_LVT0, LapicState.DELIVERY_EXTINT);
                lapic.deliveryMode(LapicState.APIC_LVT1, LapicState.DELIVERY_NMI);
                vcpu.setLapic(lapic);

                assertThat(vcpu.getRegs().get(Regs.Reg.RIP)).isEqualTo(0x1234);
                assertThat(vcpu.getRegs().get(Regs.Reg.RSP)).isEqualTo(0x8000);
                assertThat(vcpu.getSregs().cs().base()).isEqualTo(0x10000);
                // KVM_GET_FPU has never reported mxcsr back (KVM_SET_FPU does write it): check fcw.
                assertThat(vcpu.getFpu().fcw()).isEqualTo(Fpu.FCW_DEFAULT);
                assertThat(vcpu.getMsrs(0x174, 0x175)).containsExactly(new MsrEntry(0x174, 0x10),
                        new MsrEntry(0x175, 0x2000));
                assertThat(vcpu.getLapic().deliveryMode(LapicState.APIC_LVT0)).isEqualTo(LapicState.DELIVERY_EXTINT);
                assertThat(vcpu.getMpState()).isEqualTo(VcpuFd.KVM_MP_STATE_RUNNABLE);
            }
        }
    }
}
