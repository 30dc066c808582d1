package jvmm.kvm;

/** KVM_CAP_* numbers for {@link Kvm#checkExtension} and {@link VmFd#checkExtension}. */
public final class KvmCap {
    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_HLT = 1;
    public static final int KVM_CAP_USER_MEMORY = 3;
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    public static final int KVM_CAP_EXT_CPUID = 7;
    public static final int KVM_CAP_NR_VCPUS = 9;
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    public static final int KVM_CAP_MP_STATE = 14;
    public static final int KVM_CAP_COALESCED_MMIO = 15;
    public static final int KVM_CAP_IRQ_ROUTING = 25;
    public static final int KVM_CAP_IRQFD = 32;
    public static final int KVM_CAP_PIT2 = 33;
    public static final int KVM_CAP_IOEVENTFD = 36;
    public static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
    public static final int KVM_CAP_MAX_VCPUS = 66;
    /** The in-kernel local APIC emulates TSC-deadline mode (the VMM sets CPUID.1:ECX[24] itself). */
    public static final int KVM_CAP_TSC_DEADLINE_TIMER = 72;
    /** Memory slots may be read-only (KVM_MEM_READONLY): guest writes to them exit as MMIO. */
    public static final int KVM_CAP_READONLY_MEM = 81;
    public static final int KVM_CAP_IOEVENTFD_ANY_LENGTH = 122;
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;
    public static final int KVM_CAP_COALESCED_PIO = 162;
    public static final int KVM_CAP_SYSTEM_EVENT_DATA = 215;

    private KvmCap() {
    }
}
