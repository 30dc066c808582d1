package jvmm.vmm.loader;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;

/**
 * What to boot and into how much RAM.
 *
 * @param kernel a bzImage or an ELF vmlinux
 * @param initrd an initramfs to load next to it, if any
 * @param cmdline the kernel command line, without the terminating NUL
 * @param memorySize guest RAM in bytes, laid out by {@link jvmm.vmm.arch.x86.Layout#ramRegions}
 * @param acpiRsdp where the ACPI tables' RSDP is, if they were built
 */
public record BootRequest(Path kernel, Optional<Path> initrd, String cmdline, long memorySize,
                          Optional<GuestAddress> acpiRsdp) {
    public BootRequest {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(acpiRsdp, "acpiRsdp");
    }
}
