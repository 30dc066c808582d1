package jvmm.vmm.loader;

import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;
import jvmm.vmm.arch.x86.BootParams;

/**
 * What a format loader hands back to {@link KernelLoader}: the kernel is in guest memory, its
 * zero page is started, and these are the limits the command line and the initrd must respect.
 *
 * @param end the end (exclusive) of the memory the kernel will use, the initrd must stay above
 * @param cmdlineLimit the longest command line the kernel takes, without the NUL
 * @param initrdAddrMax the highest address the initrd's last byte may have
 * @param takesRsdpAddress whether the kernel reads boot_params.acpi_rsdp_addr
 */
record KernelPlacement(LoadedKernel.Format format, GuestAddress entry, GuestAddress start,
                       GuestAddress end, Optional<GuestAddress> pvhEntry, BootParams bootParams,
                       int cmdlineLimit, long initrdAddrMax, int protocolVersion,
                       boolean takesRsdpAddress) {}
