package jvmm.vmm.loader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.vmm.loader.KernelLoadException.Reason;

/**
 * Places an initrd the way boot.rst recommends: page-aligned, as high as possible, so that the
 * kernel's decompression and early allocations below it never collide with it.
 */
final class Initrd {

    static final long PAGE = 4096;

    private Initrd() {}

    /**
     * The address for {@code size} bytes of initrd: the highest page boundary such that it ends at
     * or below {@code min(initrdAddrMax + 1, lowRamEnd)} and starts at or above {@code kernelEnd}.
     */
    static GuestAddress place(Path file, long size, long kernelEnd, long initrdAddrMax, long lowRamEnd)
            throws KernelLoadException {
        long limit = Math.min(initrdAddrMax + 1, lowRamEnd);
        long addr = (limit - size) & -PAGE;
        if (size > limit || addr < kernelEnd) {
            throw new KernelLoadException(Reason.INITRD_TOO_BIG, file,
                    "initrd of %d MiB does not fit between the kernel's end 0x%x and 0x%x: give the VM more memory"
                            .formatted((size + (1 << 20) - 1) >> 20, kernelEnd, limit));
        }
        return GuestAddress.of(addr);
    }

    /** Loads the initrd into guest memory: the whole file, read straight into the guest's pages. */
    static LoadedKernel.Range load(Path file, GuestMemory memory, long kernelEnd, long initrdAddrMax,
                                   long lowRamEnd) throws KernelLoadException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            GuestAddress at = place(file, size, kernelEnd, initrdAddrMax, lowRamEnd);
            long read = FileImages.readFully(channel, memory.slice(at, size));
            if (read < size) {
                throw new KernelLoadException(Reason.UNREADABLE, file,
                        "initrd shrank while it was read: %d of %d bytes".formatted(read, size));
            }
            return new LoadedKernel.Range(at, size);
        } catch (IOException e) {
            throw new KernelLoadException(Reason.UNREADABLE, file, "can't read initrd: " + KernelLoadException.describe(e), e);
        }
    }
}
