package jvmm.vmm.virtio;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import jvmm.kvm.VmFd;
import jvmm.kvm.sys.ErrnoException;
import jvmm.kvm.sys.EventFd;
import jvmm.virtio.device.VirtioDevice;
import jvmm.virtio.memory.GuestMemory;
import jvmm.virtio.mmio.MmioRegisters;
import jvmm.virtio.mmio.MmioTransport;
import jvmm.vmm.acpi.VirtioMmioSlot;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.devices.Bus;
import jvmm.vmm.devices.BusDevice;
import jvmm.vmm.devices.EventFdLine;
import jvmm.vmm.event.EventLoop;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Puts virtio devices on virtio-mmio transports: one register window and one GSI per device
 * (from {@link Layout}), announced to the guest both ways (ACPI LNRO0005 nodes for stock
 * kernels, {@code virtio_mmio.device=} for kernels built with command-line discovery). Kicks
 * arrive through one ioeventfd per queue (datamatch = queue index) on the event loop;
 * interrupts leave through the device's irqfd. A device's host fds (virtio-net's TAP) are
 * served by the same loop and service the queue the device names.
 */
public final class VirtioMmioSlots {

    private static final Logger LOG = LogManager.getLogger(VirtioMmioSlots.class);

    private final List<VirtioMmioSlot> slots;
    private final List<MmioTransport> transports = new ArrayList<>();

    /** Plans {@code count} slots; fails when there are more devices than IRQs. */
    public VirtioMmioSlots(int count) {
        int max = Layout.VIRTIO_MMIO_LAST_IRQ - Layout.VIRTIO_MMIO_FIRST_IRQ + 1;
        if (count > max) {
            throw new jvmm.vmm.config.ConfigException("%d virtio devices asked for; at most %d fit".formatted(count, max));
        }
        var list = new ArrayList<VirtioMmioSlot>();
        for (int i = 0; i < count; i++) {
            list.add(new VirtioMmioSlot(Layout.virtioMmioBase(i), MmioRegisters.WINDOW_SIZE, Layout.virtioMmioIrq(i)));
        }
        slots = List.copyOf(list);
    }

    public List<VirtioMmioSlot> slots() {
        return slots;
    }

    /** The kernel command line words that announce every slot ({@code virtio_mmio.device=SIZE@BASE:IRQ}). */
    public String cmdlineDevices() {
        var b = new StringBuilder();
        for (VirtioMmioSlot s : slots) {
            b.append(" virtio_mmio.device=").append(s.size()).append("@0x")
                    .append(Long.toHexString(s.base().value())).append(':').append(s.gsi());
        }
        return b.toString();
    }

    /**
     * Connects {@code device} to slot {@code index}. Every fd it creates is added to {@code owned}.
     */
    public MmioTransport attach(int index, VirtioDevice device, GuestMemory memory, VmFd vm, Bus mmio,
                                EventLoop loop, List<AutoCloseable> owned) throws ErrnoException {
        VirtioMmioSlot slot = slots.get(index);
        EventFd irq = EventFd.create(EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        owned.add(irq);
        vm.irqfd(irq, slot.gsi());
        EventFd[] kicks = new EventFd[device.queueCount()];
        EventFdLine[] wakeups = new EventFdLine[kicks.length];
        for (int q = 0; q < kicks.length; q++) {
            kicks[q] = EventFd.create(EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
            owned.add(kicks[q]);
            wakeups[q] = new EventFdLine(kicks[q], device.name() + " queue " + q); // not toString: String.format
        }
        EventFdLine interrupt = new EventFdLine(irq, device.name() + " interrupt");
        MmioTransport transport = new MmioTransport(device, memory, interrupt::trigger, q -> wakeups[q].trigger());
        long notify = slot.base().value() + transport.queueNotifyOffset();
        for (int q = 0; q < kicks.length; q++) {
            int queue = q;
            vm.ioeventfd(kicks[q], notify, 4, OptionalLong.of(q), false);
            loop.addEventFd(kicks[q], () -> transport.queueNotified(queue));
        }
        mmio.register(slot.base().value(), slot.size(), new BusDevice() {
            @Override
            public void read(long offset, byte[] data) {
                transport.read(offset, data);
            }

            @Override
            public void write(long offset, byte[] data) {
                transport.write(offset, data);
            }
        });
        // Host fds (a TAP): readable services the queue like its kick does, on the same thread.
        device.connectHostFds((fd, queue) -> loop.addWatchable(fd, () -> transport.queueNotified(queue)));
        transports.add(transport);
        LOG.debug("virtio-mmio slot {}: {} at {} IRQ {}", index, device, slot.base(), slot.gsi());
        return transport;
    }
}
