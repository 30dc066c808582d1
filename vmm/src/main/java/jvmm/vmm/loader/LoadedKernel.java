package jvmm.vmm.loader;

import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;

/**
 * Where a kernel was put and how to start it: the vCPU setup sets {@code rip = entry},
 * {@code rsi = bootParams} and {@code rsp = rbp = stackPointer}, in 64-bit mode with the boot GDT
 * and page tables.
 *
 * @param format which loader took the file
 * @param entry the 64-bit entry point
 * @param kernelStart the lowest address the kernel image was copied to
 * @param kernelEnd the end (exclusive) of the memory the kernel claims: for a bzImage its load
 *     address plus init_size (where it decompresses), for an ELF the end of its last segment
 * @param pvhEntry the 32-bit PVH entry from an ELF's XEN_ELFNOTE_PHYS32_ENTRY note, if present
 * @param initrd where the initrd was loaded, if one was given
 * @param cmdline the NUL-terminated command line
 * @param bootParams the zero page
 * @param stackPointer the initial stack pointer
 * @param protocolVersion the bzImage boot protocol version (e.g. 0x020f), 0 for an ELF
 */
public record LoadedKernel(Format format, GuestAddress entry, GuestAddress kernelStart,
                           GuestAddress kernelEnd, Optional<GuestAddress> pvhEntry,
                           Optional<Range> initrd, GuestAddress cmdline, GuestAddress bootParams,
                           GuestAddress stackPointer, int protocolVersion) {

    /** The kernel file formats the loader understands. */
    public enum Format {
        BZIMAGE,
        ELF
    }

    /** A range of guest memory that holds a loaded file. */
    public record Range(GuestAddress start, long size) {}
}
