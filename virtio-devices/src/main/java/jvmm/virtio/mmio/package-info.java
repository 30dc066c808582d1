/**
 * The virtio-mmio transport, version 2: {@link jvmm.virtio.mmio.MmioTransport} turns register
 * accesses from vCPU threads into queue configuration, feature negotiation, the device status
 * state machine and activation of a {@link jvmm.virtio.device.VirtioDevice}, and queue
 * notifications from the event loop into device work.
 *
 * <p>Wiring one device in the VMM (names on the VMM side are illustrative):
 * <pre>{@code
 * BlockDevice disk = BlockDevice.open("blk0", new BlockConfig(path, readOnly, id));
 * EventFd irq = ...;                       // KVM_IRQFD on the device's GSI
 * EventFd[] kicks = new EventFd[n];        // one per queue
 * MmioTransport t = new MmioTransport(disk, guestMemory, irq::signal, q -> kicks[q].signal());
 * for (int q = 0; q < t.queueCount(); q++) {
 *     // KVM_IOEVENTFD: 4-byte write of value q at base + t.queueNotifyOffset(), datamatch
 *     eventLoop.add(kicks[q], () -> { kicks[q].drain(); t.queueNotified(q); });
 * }
 * mmioBus.add(base, MmioRegisters.WINDOW_SIZE, t::read, t::write);
 * // ACPI: a LNRO0005 node with base, WINDOW_SIZE and the GSI; the device id is t.deviceId().
 * }</pre>
 * For the console, the stdin reader calls {@code console.offerInput(bytes)}; the device then
 * asks for service of its receive queue through the same queue notifier, and the VMM may stop
 * reading stdin while {@code console.pendingInput()} is large.
 */
package jvmm.virtio.mmio;
