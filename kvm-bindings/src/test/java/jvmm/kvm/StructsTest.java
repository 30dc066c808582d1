package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The struct wrappers write where C reads (offsets are literals from the golden file). */
class StructsTest {

    @Test
    void regsWriteTheirCOffsets() {
        Regs regs = new Regs().set(Regs.Reg.RIP, 0x1000).set(Regs.Reg.RSI, 0x7000).set(Regs.Reg.RFLAGS, 2);

        assertThat(regs.segment().get(JAVA_LONG, 128)).isEqualTo(0x1000);
        assertThat(regs.segment().get(JAVA_LONG, 32)).isEqualTo(0x7000);
        assertThat(regs.segment().get(JAVA_LONG, 136)).isEqualTo(2);
        assertThat(regs.get(Regs.Reg.RIP)).isEqualTo(0x1000);
        assertThat(regs.toString()).contains("rip=1000");
    }

    @Test
    void sregsSegmentAndTableViewsEditTheStruct() {
        Sregs sregs = new Sregs();

        sregs.cs().l(1);
        sregs.cs().selector(0x8);
        sregs.ss().base(0x1234);
        sregs.gdt().limit(0x1f);
        sregs.cr0(0x8000_0011L);
        sregs.efer(0x500);

        MemorySegment raw = sregs.segment();
        assertThat(raw.get(JAVA_BYTE, 19)).isEqualTo((byte) 1);
        assertThat(raw.get(JAVA_SHORT, 12)).isEqualTo((short) 8);
        assertThat(raw.get(JAVA_LONG, 5 * 24)).isEqualTo(0x1234);
        assertThat(raw.get(JAVA_SHORT, 192 + 8)).isEqualTo((short) 0x1f);
        assertThat(raw.get(JAVA_LONG, 224)).isEqualTo(0x8000_0011L);
        assertThat(raw.get(JAVA_LONG, 264)).isEqualTo(0x500);
        assertThat(sregs.cs().l()).isEqualTo(1);
    }

    @Test
    void fpuDefaultsLandAtFcwAndMxcsr() {
        Fpu fpu = new Fpu();
        fpu.fcw(Fpu.FCW_DEFAULT);
        fpu.mxcsr(Fpu.MXCSR_DEFAULT);

        assertThat(fpu.segment().get(JAVA_SHORT, 128)).isEqualTo((short) 0x37f);
        assertThat(fpu.segment().get(JAVA_INT, 408)).isEqualTo(0x1f80);
    }

    @Test
    void lapicDeliveryModeChangesOnlyBitsEightToTen() {
        LapicState lapic = new LapicState();
        lapic.register(LapicState.APIC_LVT0, 0x0001_0700 | 0x10);

        lapic.deliveryMode(LapicState.APIC_LVT0, LapicState.DELIVERY_EXTINT);
        lapic.deliveryMode(LapicState.APIC_LVT1, LapicState.DELIVERY_NMI);

        assertThat(lapic.register(LapicState.APIC_LVT0)).isEqualTo(0x0001_0710);
        assertThat(lapic.register(LapicState.APIC_LVT1)).isEqualTo(0x400);
        assertThat(lapic.segment().get(JAVA_INT, 0x360)).isEqualTo(0x400);
        assertThatThrownBy(() -> lapic.register(0x351)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpuidEncodesAndDecodesKvmCpuid2() {
        Cpuid cpuid = new Cpuid(List.of(new CpuidEntry(0, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65),
                new CpuidEntry(7, 1, CpuidEntry.FLAG_SIGNIFICANT_INDEX, 1, 2, 3, 4)));

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = cpuid.encode(arena);
            Cpuid back = Cpuid.decode(raw);

            assertThat(raw.get(JAVA_INT, 0)).isEqualTo(2);
            assertThat(raw.get(JAVA_INT, 8 + 40 + 4)).isEqualTo(1);
            assertThat(raw.get(JAVA_INT, 8 + 40 + 24)).isEqualTo(4);
            assertThat(back.entries()).hasSize(2);
            assertThat(back.find(0, 0).orElseThrow().ebx()).isEqualTo(0x68747541);
            assertThat(back.find(7, 1).orElseThrow().flags()).isEqualTo(1);
        }
    }

    @Test
    void cpuidCopiesAreIndependent() {
        Cpuid shared = new Cpuid(List.of(new CpuidEntry(1, 0, 0, 0, 0, 0, 0)));
        Cpuid perVcpu = shared.copy();

        perVcpu.find(1, 0).orElseThrow().ebx(3 << 24);

        assertThat(shared.find(1, 0).orElseThrow().ebx()).isZero();
        assertThat(perVcpu.find(1, 0).orElseThrow().ebx()).isEqualTo(3 << 24);
    }

    @Test
    void ioctlEncodingFollowsTheKernelMacros() {
        assertThat(Ioctls.ioc(2, 0xAE, 0x81, 144)).isEqualTo(0x8090AE81L);
        assertThatThrownBy(() -> Ioctls.ioc(1, 0xAE, 0, 1 << 14)).isInstanceOf(IllegalArgumentException.class);
    }
}
