package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Fd;
import jvmm.kvm.sys.Ioctl;
import jvmm.kvm.sys.Mapping;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * A vCPU: its fd and its mmap'd kvm_run page. {@link #run()} blocks in the kernel while the
 * guest runs, so it belongs on a dedicated platform thread; everything else is setup done on
 * that thread or before it starts.
 */
public final class VcpuFd implements AutoCloseable {
    public static final int KVM_MP_STATE_RUNNABLE = 0;
    public static final int KVM_MP_STATE_UNINITIALIZED = 1;
    public static final int KVM_MP_STATE_INIT_RECEIVED = 2;
    public static final int KVM_MP_STATE_HALTED = 3;
    public static final int KVM_MP_STATE_SIPI_RECEIVED = 4;
    /**
     * Where the coalesced ring sits in a vCPU's mmap, in pages, on x86; KVM_CHECK_EXTENSION of
     * KVM_CAP_COALESCED_MMIO returns the same number, which is what {@link #coalescedRing} takes.
     */
    public static final int KVM_COALESCED_MMIO_PAGE_OFFSET = 2;
    private static final long PAGE_SIZE = 4096;

    /** Bytes of a kernel sigset as KVM_SET_SIGNAL_MASK wants it on x86_64. */
    private static final int KERNEL_SIGSET_BYTES = 8;
    private static final long MSR_INDEX = KvmLayouts.offset(KvmLayouts.KVM_MSR_ENTRY, "index");
    private static final long MSR_DATA = KvmLayouts.offset(KvmLayouts.KVM_MSR_ENTRY, "data");
    private static final long MSR_ENTRIES = KvmLayouts.offset(KvmLayouts.KVM_MSRS, "entries");
    private static final long MSR_ENTRY_BYTES = KvmLayouts.KVM_MSR_ENTRY.byteSize();

    private final Fd fd;
    private final int id;
    private final Mapping run;

    VcpuFd(Fd fd, int id, Mapping run) {
        this.fd = fd;
        this.id = id;
        this.run = run;
    }

    /** The vCPU id given to KVM_CREATE_VCPU (the initial APIC id). */
    public int id() {
        return id;
    }

    /**
     * KVM_RUN: runs the guest until it needs the VMM. EINTR (a signal, immediate_exit) is the
     * ordinary {@link VcpuExit.Intr}; other errors throw.
     */
    public VcpuExit run() throws ErrnoException {
        int result = Ioctl.callReturningErrno(fd.get(), Ioctls.KVM_RUN);
        if (result == -Errno.EINTR) {
            return KvmRun.INTR;
        }
        if (result < 0) {
            throw new ErrnoException("KVM_RUN (vcpu " + id + ")", -result);
        }
        return KvmRun.decode(run.segment());
    }

    /**
     * Sets kvm_run.immediate_exit: while set, KVM_RUN returns EINTR at once instead of entering
     * the guest. Set it before kicking the thread so a kick that lands between two runs is not
     * lost; clear it once the vCPU thread has seen the Intr.
     */
    public void setImmediateExit(boolean exit) {
        run.segment().set(JAVA_BYTE, KvmRun.IMMEDIATE_EXIT, (byte) (exit ? 1 : 0));
    }

    /** KVM_GET_REGS. */
    public Regs getRegs() throws ErrnoException {
        Regs regs = new Regs();
        Ioctl.call(fd.get(), Ioctls.KVM_GET_REGS, regs.segment(), "KVM_GET_REGS");
        return regs;
    }

    /** KVM_SET_REGS. */
    public void setRegs(Regs regs) throws ErrnoException {
        Ioctl.call(fd.get(), Ioctls.KVM_SET_REGS, regs.segment(), "KVM_SET_REGS");
    }

    /** KVM_GET_SREGS. */
    public Sregs getSregs() throws ErrnoException {
        Sregs sregs = new Sregs();
        Ioctl.call(fd.get(), Ioctls.KVM_GET_SREGS, sregs.segment(), "KVM_GET_SREGS");
        return sregs;
    }

    /** KVM_SET_SREGS. */
    public void setSregs(Sregs sregs) throws ErrnoException {
        Ioctl.call(fd.get(), Ioctls.KVM_SET_SREGS, sregs.segment(), "KVM_SET_SREGS");
    }

    /** KVM_GET_FPU. */
    public Fpu getFpu() throws ErrnoException {
        Fpu fpu = new Fpu();
        Ioctl.call(fd.get(), Ioctls.KVM_GET_FPU, fpu.segment(), "KVM_GET_FPU");
        return fpu;
    }

    /** KVM_SET_FPU. */
    public void setFpu(Fpu fpu) throws ErrnoException {
        Ioctl.call(fd.get(), Ioctls.KVM_SET_FPU, fpu.segment(), "KVM_SET_FPU");
    }

    /**
     * KVM_SET_MSRS. KVM stops at the first MSR it refuses and returns how many it set, so a
     * short count is an error here, naming the refused MSR.
     */
    public void setMsrs(List<MsrEntry> msrs) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = msrBuffer(arena, msrs.size());
            for (int i = 0; i < msrs.size(); i++) {
                buffer.set(JAVA_INT, entry(i) + MSR_INDEX, msrs.get(i).index());
                buffer.set(JAVA_LONG, entry(i) + MSR_DATA, msrs.get(i).value());
            }
            int set = Ioctl.call(fd.get(), Ioctls.KVM_SET_MSRS, buffer, "KVM_SET_MSRS");
            if (set != msrs.size()) {
                throw new ErrnoException("KVM_SET_MSRS refused MSR 0x"
                        + Integer.toHexString(msrs.get(set).index()) + " (" + set + " of " + msrs.size() + " set)",
                        Errno.EINVAL);
            }
        }
    }

    /** KVM_GET_MSRS for the given MSR indices; an index KVM does not know fails with EINVAL. */
    public List<MsrEntry> getMsrs(int... indices) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = msrBuffer(arena, indices.length);
            for (int i = 0; i < indices.length; i++) {
                buffer.set(JAVA_INT, entry(i) + MSR_INDEX, indices[i]);
            }
            int read = Ioctl.call(fd.get(), Ioctls.KVM_GET_MSRS, buffer, "KVM_GET_MSRS");
            if (read != indices.length) {
                throw new ErrnoException("KVM_GET_MSRS does not know MSR 0x" + Integer.toHexString(indices[read]),
                        Errno.EINVAL);
            }
            List<MsrEntry> result = new ArrayList<>(indices.length);
            for (int i = 0; i < indices.length; i++) {
                result.add(new MsrEntry(indices[i], buffer.get(JAVA_LONG, entry(i) + MSR_DATA)));
            }
            return result;
        }
    }

    /** KVM_SET_CPUID2. */
    public void setCpuid2(Cpuid cpuid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            Ioctl.call(fd.get(), Ioctls.KVM_SET_CPUID2, cpuid.encode(arena), "KVM_SET_CPUID2");
        }
    }

    /** KVM_GET_LAPIC (needs an in-kernel irqchip). */
    public LapicState getLapic() throws ErrnoException {
        LapicState lapic = new LapicState();
        Ioctl.call(fd.get(), Ioctls.KVM_GET_LAPIC, lapic.segment(), "KVM_GET_LAPIC");
        return lapic;
    }

    /** KVM_SET_LAPIC. */
    public void setLapic(LapicState lapic) throws ErrnoException {
        Ioctl.call(fd.get(), Ioctls.KVM_SET_LAPIC, lapic.segment(), "KVM_SET_LAPIC");
    }

    /** KVM_GET_MP_STATE: one of the KVM_MP_STATE_* values. */
    public int getMpState() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(KvmLayouts.KVM_MP_STATE);
            Ioctl.call(fd.get(), Ioctls.KVM_GET_MP_STATE, state, "KVM_GET_MP_STATE");
            return state.get(JAVA_INT, 0);
        }
    }

    /** KVM_SET_MP_STATE. */
    public void setMpState(int mpState) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(KvmLayouts.KVM_MP_STATE);
            state.set(JAVA_INT, 0, mpState);
            Ioctl.call(fd.get(), Ioctls.KVM_SET_MP_STATE, state, "KVM_SET_MP_STATE");
        }
    }

    /**
     * KVM_SET_SIGNAL_MASK: the blocked-signal mask (kernel bit form, see
     * {@link jvmm.kvm.sys.Signals}) in force while this vCPU is inside KVM_RUN. Leave the kick
     * signal out of it so that signal interrupts the run.
     */
    public void setSignalMask(long blockedSignals) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(KvmLayouts.KVM_SIGNAL_MASK.byteSize() + KERNEL_SIGSET_BYTES, 8);
            mask.set(JAVA_INT, KvmLayouts.offset(KvmLayouts.KVM_SIGNAL_MASK, "len"), KERNEL_SIGSET_BYTES);
            mask.set(JAVA_LONG_UNALIGNED, KvmLayouts.offset(KvmLayouts.KVM_SIGNAL_MASK, "sigset"), blockedSignals);
            Ioctl.call(fd.get(), Ioctls.KVM_SET_SIGNAL_MASK, mask, "KVM_SET_SIGNAL_MASK");
        }
    }

    /** The kvm_run page (read-only use: debugging, tests). */
    public MemorySegment runArea() {
        return run.segment();
    }

    /**
     * The VM's coalesced-write ring, as mapped in this vCPU's mmap at {@code pageOffset} pages
     * (what KVM_CHECK_EXTENSION(KVM_CAP_COALESCED_MMIO) returned). Every vCPU maps the same
     * ring; it lives as long as this vCPU's mapping.
     *
     * @throws IllegalArgumentException when the mapping does not reach that page
     */
    public CoalescedRing coalescedRing(int pageOffset) {
        MemorySegment area = run.segment();
        long at = pageOffset * PAGE_SIZE;
        if (pageOffset <= 0 || at + PAGE_SIZE > area.byteSize()) {
            throw new IllegalArgumentException("the coalesced ring at page " + pageOffset + " is outside the "
                    + area.byteSize() + "-byte vCPU mapping");
        }
        return new CoalescedRing(area.asSlice(at, PAGE_SIZE));
    }

    /** Unmaps kvm_run and closes the vCPU fd. */
    @Override
    public void close() {
        run.close();
        fd.close();
    }

    private static MemorySegment msrBuffer(Arena arena, int count) {
        MemorySegment buffer = arena.allocate(MSR_ENTRIES + count * MSR_ENTRY_BYTES, 8);
        buffer.set(JAVA_INT, KvmLayouts.offset(KvmLayouts.KVM_MSRS, "nmsrs"), count);
        return buffer;
    }

    private static long entry(int i) {
        return MSR_ENTRIES + i * MSR_ENTRY_BYTES;
    }
}
