package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.OptionalLong;

import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.EventFd;
import jvmm.kvm.sys.Fd;
import jvmm.kvm.sys.Ioctl;
import jvmm.kvm.sys.Mapping;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A VM: guest memory slots, the in-kernel interrupt controllers and PIT, irqfd/ioeventfd
 * wiring, and vCPU creation. One method per ioctl.
 */
public final class VmFd implements AutoCloseable {
    public static final int KVM_MEM_LOG_DIRTY_PAGES = 1;
    public static final int KVM_MEM_READONLY = 2;
    public static final int KVM_PIT_SPEAKER_DUMMY = 1;
    public static final int KVM_IRQFD_FLAG_DEASSIGN = 1;
    public static final int KVM_IRQFD_FLAG_RESAMPLE = 2;
    public static final int KVM_IOEVENTFD_FLAG_DATAMATCH = 1;
    public static final int KVM_IOEVENTFD_FLAG_PIO = 2;
    public static final int KVM_IOEVENTFD_FLAG_DEASSIGN = 4;

    private final Fd fd;
    private final long vcpuMmapSize;

    VmFd(Fd fd, long vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /** KVM_CHECK_EXTENSION on this VM (some answers differ per VM type). */
    public int checkExtension(int capability) throws ErrnoException {
        return Ioctl.call(fd.get(), Ioctls.KVM_CHECK_EXTENSION, capability, "KVM_CHECK_EXTENSION " + capability);
    }

    /**
     * KVM_SET_USER_MEMORY_REGION: guest physical {@code [guestPhys, guestPhys + size)} is backed
     * by {@code host}, which must be native, page aligned and at least {@code size} bytes; size 0
     * deletes the slot. KVM keeps the raw address, so {@code host} must outlive the slot.
     */
    public void setUserMemoryRegion(int slot, int flags, long guestPhys, long size, MemorySegment host)
            throws ErrnoException {
        if (!host.isNative() || host.byteSize() < size) {
            throw new IllegalArgumentException("slot " + slot + ": host memory of " + host.byteSize()
                    + " bytes (native " + host.isNative() + ") cannot back " + size + " bytes");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = allocate(arena, KvmLayouts.KVM_USERSPACE_MEMORY_REGION);
            StructLayout l = KvmLayouts.KVM_USERSPACE_MEMORY_REGION;
            region.set(JAVA_INT, KvmLayouts.offset(l, "slot"), slot);
            region.set(JAVA_INT, KvmLayouts.offset(l, "flags"), flags);
            region.set(JAVA_LONG, KvmLayouts.offset(l, "guest_phys_addr"), guestPhys);
            region.set(JAVA_LONG, KvmLayouts.offset(l, "memory_size"), size);
            region.set(JAVA_LONG, KvmLayouts.offset(l, "userspace_addr"), host.address());
            Ioctl.call(fd.get(), Ioctls.KVM_SET_USER_MEMORY_REGION, region, "KVM_SET_USER_MEMORY_REGION slot " + slot);
        }
    }

    /** KVM_SET_TSS_ADDR: three pages of guest physical space Intel VMX needs for real mode. */
    public void setTssAddr(long address) throws ErrnoException {
        Ioctl.call(fd.get(), Ioctls.KVM_SET_TSS_ADDR, address, "KVM_SET_TSS_ADDR");
    }

    /** KVM_SET_IDENTITY_MAP_ADDR: one page for the VMX identity-map page table. */
    public void setIdentityMapAddr(long address) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, address);
            Ioctl.call(fd.get(), Ioctls.KVM_SET_IDENTITY_MAP_ADDR, value, "KVM_SET_IDENTITY_MAP_ADDR");
        }
    }

    /** KVM_CREATE_IRQCHIP: in-kernel PIC, IOAPIC and local APICs (before any vCPU). */
    public void createIrqchip() throws ErrnoException {
        Ioctl.call(fd.get(), Ioctls.KVM_CREATE_IRQCHIP, "KVM_CREATE_IRQCHIP");
    }

    /** KVM_CREATE_PIT2 with KVM_PIT_* {@code flags} (after the irqchip). */
    public void createPit2(int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = allocate(arena, KvmLayouts.KVM_PIT_CONFIG);
            config.set(JAVA_INT, KvmLayouts.offset(KvmLayouts.KVM_PIT_CONFIG, "flags"), flags);
            Ioctl.call(fd.get(), Ioctls.KVM_CREATE_PIT2, config, "KVM_CREATE_PIT2");
        }
    }

    /** KVM_IRQ_LINE: drives interrupt line {@code irq} (a GSI) high or low. */
    public void irqLine(int irq, boolean level) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment line = allocate(arena, KvmLayouts.KVM_IRQ_LEVEL);
            line.set(JAVA_INT, KvmLayouts.offsetOf(KvmLayouts.KVM_IRQ_LEVEL, "irq"), irq);
            line.set(JAVA_INT, KvmLayouts.offsetOf(KvmLayouts.KVM_IRQ_LEVEL, "level"), level ? 1 : 0);
            Ioctl.call(fd.get(), Ioctls.KVM_IRQ_LINE, line, "KVM_IRQ_LINE " + irq);
        }
    }

    /** KVM_IRQFD: a signal on {@code eventfd} injects (edge) interrupt {@code gsi}. */
    public void irqfd(EventFd eventfd, int gsi) throws ErrnoException {
        irqfd(eventfd, gsi, 0, "KVM_IRQFD gsi ");
    }

    /** KVM_IRQFD with DEASSIGN: undoes {@link #irqfd}. */
    public void irqfdDeassign(EventFd eventfd, int gsi) throws ErrnoException {
        irqfd(eventfd, gsi, KVM_IRQFD_FLAG_DEASSIGN, "KVM_IRQFD deassign gsi ");
    }

    /**
     * KVM_IOEVENTFD: a guest write of {@code length} bytes (0 = any length) to {@code address}
     * (MMIO, or an I/O port when {@code pio}) signals {@code eventfd} instead of exiting to the
     * VMM; with {@code datamatch} only writes of that value do.
     */
    public void ioeventfd(EventFd eventfd, long address, int length, OptionalLong datamatch, boolean pio)
            throws ErrnoException {
        ioeventfd(eventfd, new IoEventAddress(address, length, datamatch, pio), 0);
    }

    /** KVM_IOEVENTFD with DEASSIGN: the arguments must match the registration. */
    public void ioeventfdDeassign(EventFd eventfd, long address, int length, OptionalLong datamatch, boolean pio)
            throws ErrnoException {
        ioeventfd(eventfd, new IoEventAddress(address, length, datamatch, pio), KVM_IOEVENTFD_FLAG_DEASSIGN);
    }

    /** KVM_REGISTER_COALESCED_MMIO: writes to the zone are batched in a ring, not exited. */
    public void registerCoalescedMmio(long address, int size, boolean pio) throws ErrnoException {
        coalescedZone(Ioctls.KVM_REGISTER_COALESCED_MMIO, address, size, pio, "KVM_REGISTER_COALESCED_MMIO");
    }

    /** KVM_UNREGISTER_COALESCED_MMIO. */
    public void unregisterCoalescedMmio(long address, int size, boolean pio) throws ErrnoException {
        coalescedZone(Ioctls.KVM_UNREGISTER_COALESCED_MMIO, address, size, pio, "KVM_UNREGISTER_COALESCED_MMIO");
    }

    /** KVM_CREATE_VCPU, then maps its kvm_run page. */
    public VcpuFd createVcpu(int id) throws ErrnoException {
        int vcpu = Ioctl.call(fd.get(), Ioctls.KVM_CREATE_VCPU, id, "KVM_CREATE_VCPU " + id);
        Fd vcpuFd = Fd.adopt(vcpu, "vcpu " + id);
        try {
            return new VcpuFd(vcpuFd, id, Mapping.shared(vcpu, vcpuMmapSize, 0));
        } catch (ErrnoException | RuntimeException e) {
            vcpuFd.close();
            throw e;
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    private record IoEventAddress(long address, int length, OptionalLong datamatch, boolean pio) {
    }

    private void irqfd(EventFd eventfd, int gsi, int flags, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = allocate(arena, KvmLayouts.KVM_IRQFD);
            request.set(JAVA_INT, KvmLayouts.offset(KvmLayouts.KVM_IRQFD, "fd"), eventfd.fd());
            request.set(JAVA_INT, KvmLayouts.offset(KvmLayouts.KVM_IRQFD, "gsi"), gsi);
            request.set(JAVA_INT, KvmLayouts.offset(KvmLayouts.KVM_IRQFD, "flags"), flags);
            Ioctl.call(fd.get(), Ioctls.KVM_IRQFD, request, name + gsi);
        }
    }

    private void ioeventfd(EventFd eventfd, IoEventAddress at, int extraFlags) throws ErrnoException {
        int flags = extraFlags | (at.pio() ? KVM_IOEVENTFD_FLAG_PIO : 0)
                | (at.datamatch().isPresent() ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0);
        StructLayout l = KvmLayouts.KVM_IOEVENTFD;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = allocate(arena, l);
            request.set(JAVA_LONG, KvmLayouts.offset(l, "datamatch"), at.datamatch().orElse(0));
            request.set(JAVA_LONG, KvmLayouts.offset(l, "addr"), at.address());
            request.set(JAVA_INT, KvmLayouts.offset(l, "len"), at.length());
            request.set(JAVA_INT, KvmLayouts.offset(l, "fd"), eventfd.fd());
            request.set(JAVA_INT, KvmLayouts.offset(l, "flags"), flags);
            Ioctl.call(fd.get(), Ioctls.KVM_IOEVENTFD, request,
                    "KVM_IOEVENTFD 0x" + Long.toHexString(at.address()) + " flags " + flags);
        }
    }

    private void coalescedZone(long request, long address, int size, boolean pio, String name)
            throws ErrnoException {
        StructLayout l = KvmLayouts.KVM_COALESCED_MMIO_ZONE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zone = allocate(arena, l);
            zone.set(JAVA_LONG, KvmLayouts.offsetOf(l, "addr"), address);
            zone.set(JAVA_INT, KvmLayouts.offsetOf(l, "size"), size);
            zone.set(JAVA_INT, KvmLayouts.offsetOf(l, "pio"), pio ? 1 : 0);
            Ioctl.call(fd.get(), request, zone, name);
        }
    }

    /** A zeroed struct (arena allocations are zeroed; reserved fields must stay 0). */
    private static MemorySegment allocate(Arena arena, StructLayout layout) {
        return arena.allocate(layout);
    }
}
