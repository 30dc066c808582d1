package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.Fd;
import jvmm.kvm.sys.Ioctl;
import jvmm.kvm.sys.Libc;

/**
 * The KVM system fd ({@code /dev/kvm}): capability queries and VM creation.
 */
public final class Kvm implements AutoCloseable {
    /** The only KVM API version there has ever been in mainline (KVM_API_VERSION). */
    public static final int KVM_API_VERSION = 12;
    /** Default path of the KVM device. */
    public static final String DEVICE = "/dev/kvm";

    private static final int INITIAL_CPUID_ENTRIES = 128;
    private static final int MAX_CPUID_ENTRIES = 4096;
    private static final int DEFAULT_MAX_VCPUS = 4;

    private final Fd fd;

    private Kvm(Fd fd) {
        this.fd = fd;
    }

    /** Opens /dev/kvm. */
    public static Kvm open() throws ErrnoException {
        return open(DEVICE);
    }

    /**
     * Opens the KVM device at {@code path}; the error names the likely cause when the device is
     * missing (no KVM on this host) or not accessible (permissions).
     */
    public static Kvm open(String path) throws ErrnoException {
        try {
            return new Kvm(Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0));
        } catch (ErrnoException e) {
            throw new ErrnoException("open " + path + hint(e.errno()), e.errno());
        }
    }

    private static String hint(int errno) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                    " (KVM is not available: no kvm module loaded, or virtualization is off or not nested)";
            case Errno.EACCES, Errno.EPERM -> " (no permission: add the user to the kvm group or fix the device mode)";
            default -> "";
        };
    }

    /** KVM_GET_API_VERSION; 12 on every kernel jvmm supports. */
    public int apiVersion() throws ErrnoException {
        return Ioctl.call(fd.get(), Ioctls.KVM_GET_API_VERSION, "KVM_GET_API_VERSION");
    }

    /** KVM_CHECK_EXTENSION: 0 when absent, otherwise 1 or a capability-specific number. */
    public int checkExtension(int capability) throws ErrnoException {
        return Ioctl.call(fd.get(), Ioctls.KVM_CHECK_EXTENSION, capability, "KVM_CHECK_EXTENSION " + capability);
    }

    /** KVM_GET_VCPU_MMAP_SIZE: bytes to mmap from a vCPU fd (kvm_run plus data pages). */
    public long vcpuMmapSize() throws ErrnoException {
        return Ioctl.call(fd.get(), Ioctls.KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE");
    }

    /** Most vCPUs a VM may have: KVM_CAP_MAX_VCPUS, else KVM_CAP_NR_VCPUS, else 4 (api.rst). */
    public int maxVcpus() throws ErrnoException {
        int max = checkExtension(KvmCap.KVM_CAP_MAX_VCPUS);
        if (max > 0) {
            return max;
        }
        int recommended = checkExtension(KvmCap.KVM_CAP_NR_VCPUS);
        return recommended > 0 ? recommended : DEFAULT_MAX_VCPUS;
    }

    /**
     * KVM_GET_SUPPORTED_CPUID with room for {@code maxEntries}; E2BIG when the host has more
     * leaves than that.
     */
    public Cpuid supportedCpuid(int maxEntries) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = Cpuid.allocate(arena, maxEntries);
            Ioctl.call(fd.get(), Ioctls.KVM_GET_SUPPORTED_CPUID, buffer, "KVM_GET_SUPPORTED_CPUID");
            return Cpuid.decode(buffer);
        }
    }

    /** KVM_GET_SUPPORTED_CPUID, growing the buffer on E2BIG until the whole table fits. */
    public Cpuid supportedCpuid() throws ErrnoException {
        for (int capacity = INITIAL_CPUID_ENTRIES; ; capacity *= 2) {
            try {
                return supportedCpuid(capacity);
            } catch (ErrnoException e) {
                if (!e.is(Errno.E2BIG) || capacity >= MAX_CPUID_ENTRIES) {
                    throw e;
                }
            }
        }
    }

    /** KVM_CREATE_VM (default VM type 0). */
    public VmFd createVm() throws ErrnoException {
        long mmapSize = vcpuMmapSize();
        int vm = Ioctl.call(fd.get(), Ioctls.KVM_CREATE_VM, 0L, "KVM_CREATE_VM");
        return new VmFd(Fd.adopt(vm, "vm"), mmapSize);
    }

    @Override
    public void close() {
        fd.close();
    }
}
