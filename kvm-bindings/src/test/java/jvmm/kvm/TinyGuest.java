package jvmm.kvm;

import java.lang.foreign.MemorySegment;

import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Mapping;

/**
 * A VM with 16 KiB of RAM at guest physical 0 and one vCPU in real mode at 0x1000, running the
 * given machine code; for the @Tag("kvm") tests.
 */
final class TinyGuest implements AutoCloseable {
    static final long RAM_SIZE = 0x4000;
    static final long CODE = 0x1000;

    final Kvm kvm;
    final VmFd vm;
    final Mapping ram;
    final VcpuFd vcpu;

    private TinyGuest(Kvm kvm, VmFd vm, Mapping ram, VcpuFd vcpu) {
        this.kvm = kvm;
        this.vm = vm;
        this.ram = ram;
        this.vcpu = vcpu;
    }

    /** Without an in-kernel irqchip, so HLT exits to us. */
    static TinyGuest start(byte... code) throws ErrnoException {
        Kvm kvm = Kvm.open();
        VmFd vm = kvm.createVm();
        Mapping ram = Mapping.anonymous(RAM_SIZE);
        MemorySegment memory = ram.segment();
        MemorySegment.copy(MemorySegment.ofArray(code), 0, memory, CODE, code.length);
        vm.setUserMemoryRegion(0, 0, 0, RAM_SIZE, memory);
        VcpuFd vcpu = vm.createVcpu(0);
        Sregs sregs = vcpu.getSregs();
        sregs.cs().base(0);
        sregs.cs().selector(0);
        sregs.ds().base(0);
        sregs.ds().selector(0);
        vcpu.setSregs(sregs);
        vcpu.setRegs(new Regs().set(Regs.Reg.RIP, CODE).set(Regs.Reg.RFLAGS, Regs.RFLAGS_RESERVED));
        return new TinyGuest(kvm, vm, ram, vcpu);
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        ram.close();
        kvm.close();
    }
}
