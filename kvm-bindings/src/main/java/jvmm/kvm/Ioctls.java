package jvmm.kvm;

import java.lang.foreign.MemoryLayout;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The ioctl request numbers of {@code <linux/kvm.h>}, computed the way the kernel's
 * {@code _IO/_IOR/_IOW/_IOWR} macros do: direction in bits 30-31, argument size in bits 16-29,
 * type (0xAE for KVM) in bits 8-15, number in bits 0-7. The sizes come from {@link KvmLayouts},
 * so a wrong layout shows up as a wrong ioctl number in the golden test, not as EINVAL at run
 * time.
 */
public final class Ioctls {
    private static final long NONE = 0;
    private static final long WRITE = 1;
    private static final long READ = 2;
    private static final int KVMIO = 0xAE;

    public static final long KVM_GET_API_VERSION = io(0x00);
    public static final long KVM_CREATE_VM = io(0x01);
    public static final long KVM_GET_MSR_INDEX_LIST = iowr(0x02, 4);
    public static final long KVM_CHECK_EXTENSION = io(0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    public static final long KVM_GET_SUPPORTED_CPUID = iowr(0x05, KvmLayouts.KVM_CPUID2.byteSize());

    public static final long KVM_CREATE_VCPU = io(0x41);
    public static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, KvmLayouts.KVM_USERSPACE_MEMORY_REGION);
    public static final long KVM_SET_TSS_ADDR = io(0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, JAVA_LONG);
    public static final long KVM_CREATE_IRQCHIP = io(0x60);
    public static final long KVM_IRQ_LINE = iow(0x61, KvmLayouts.KVM_IRQ_LEVEL);
    public static final long KVM_REGISTER_COALESCED_MMIO = iow(0x67, KvmLayouts.KVM_COALESCED_MMIO_ZONE);
    public static final long KVM_UNREGISTER_COALESCED_MMIO = iow(0x68, KvmLayouts.KVM_COALESCED_MMIO_ZONE);
    public static final long KVM_IRQFD = iow(0x76, KvmLayouts.KVM_IRQFD);
    public static final long KVM_CREATE_PIT2 = iow(0x77, KvmLayouts.KVM_PIT_CONFIG);
    public static final long KVM_IOEVENTFD = iow(0x79, KvmLayouts.KVM_IOEVENTFD);

    public static final long KVM_RUN = io(0x80);
    public static final long KVM_GET_REGS = ior(0x81, KvmLayouts.KVM_REGS);
    public static final long KVM_SET_REGS = iow(0x82, KvmLayouts.KVM_REGS);
    public static final long KVM_GET_SREGS = ior(0x83, KvmLayouts.KVM_SREGS);
    public static final long KVM_SET_SREGS = iow(0x84, KvmLayouts.KVM_SREGS);
    public static final long KVM_GET_MSRS = iowr(0x88, KvmLayouts.KVM_MSRS.byteSize());
    public static final long KVM_SET_MSRS = iow(0x89, KvmLayouts.KVM_MSRS);
    public static final long KVM_SET_SIGNAL_MASK = iow(0x8b, KvmLayouts.KVM_SIGNAL_MASK);
    public static final long KVM_GET_FPU = ior(0x8c, KvmLayouts.KVM_FPU);
    public static final long KVM_SET_FPU = iow(0x8d, KvmLayouts.KVM_FPU);
    public static final long KVM_GET_LAPIC = ior(0x8e, KvmLayouts.KVM_LAPIC_STATE);
    public static final long KVM_SET_LAPIC = iow(0x8f, KvmLayouts.KVM_LAPIC_STATE);
    public static final long KVM_SET_CPUID2 = iow(0x90, KvmLayouts.KVM_CPUID2);
    public static final long KVM_GET_CPUID2 = iowr(0x91, KvmLayouts.KVM_CPUID2.byteSize());
    public static final long KVM_GET_MP_STATE = ior(0x98, KvmLayouts.KVM_MP_STATE);
    public static final long KVM_SET_MP_STATE = iow(0x99, KvmLayouts.KVM_MP_STATE);

    /** Terminal ioctls (type 'T', which predates the encoding and has no direction/size bits). */
    public static final long TCGETS = 0x5401;
    public static final long TIOCGWINSZ = 0x5413;

    private Ioctls() {
    }

    /** {@code _IOC(dir, type, nr, size)}. */
    static long ioc(long direction, int type, int number, long size) {
        if (size >= (1 << 14)) {
            throw new IllegalArgumentException("ioctl argument of " + size + " bytes does not fit 14 bits");
        }
        return (direction << 30) | (size << 16) | ((long) type << 8) | number;
    }

    private static long io(int number) {
        return ioc(NONE, KVMIO, number, 0);
    }

    private static long ior(int number, MemoryLayout argument) {
        return ioc(READ, KVMIO, number, argument.byteSize());
    }

    private static long iow(int number, MemoryLayout argument) {
        return ioc(WRITE, KVMIO, number, argument.byteSize());
    }

    private static long iowr(int number, long size) {
        return ioc(READ | WRITE, KVMIO, number, size);
    }
}
