package jvmm.vmm.loader;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import jvmm.virtio.memory.GuestMemory;
import jvmm.vmm.arch.x86.BootParams;
import jvmm.vmm.arch.x86.E820;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.loader.KernelLoadException.Reason;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Puts a kernel, its initrd, its command line and its zero page into guest memory, ready for a
 * 64-bit entry. The format is detected from the file's content (ELF magic, else the bzImage
 * "HdrS" magic), never from its name.
 *
 * <p>The boot GDT and page tables are separate ({@link jvmm.vmm.arch.x86.Gdt#write},
 * {@link jvmm.vmm.arch.x86.PageTables#write}), as are the ACPI tables, whose RSDP address the
 * request carries.
 */
public final class KernelLoader {

    private static final Logger LOG = LogManager.getLogger(KernelLoader.class);

    private KernelLoader() {}

    /**
     * Loads everything {@code request} names into {@code memory}.
     *
     * @throws KernelLoadException when a file is unreadable, not a 64-bit x86 kernel, damaged, or
     *     does not fit; nothing the guest could run has been started, but memory may be partly written
     */
    public static LoadedKernel load(GuestMemory memory, BootRequest request) throws KernelLoadException {
        long lowRamEnd = Layout.lowRamEnd(request.memorySize()).value();
        byte[] cmdline = checkCmdline(request.cmdline());
        KernelPlacement kernel = loadKernel(request.kernel(), memory, lowRamEnd);
        if (cmdline.length > kernel.cmdlineLimit()) {
            throw new KernelLoadException(Reason.CMDLINE_TOO_LONG, null,
                    "kernel command line of %d bytes is too long: %s takes at most %d"
                            .formatted(cmdline.length, request.kernel(), kernel.cmdlineLimit()));
        }
        BootParams params = kernel.bootParams();
        memory.write(Layout.CMDLINE_START, cmdline);
        memory.writeU8(Layout.CMDLINE_START.checkedAdd(cmdline.length), (byte) 0);
        params.cmdline(Layout.CMDLINE_START, kernel.cmdlineLimit());

        Optional<LoadedKernel.Range> initrd = Optional.empty();
        if (request.initrd().isPresent()) {
            LoadedKernel.Range r = Initrd.load(request.initrd().get(), memory, kernel.end().value(),
                    kernel.initrdAddrMax(), lowRamEnd);
            params.ramdisk(r.start(), r.size());
            initrd = Optional.of(r);
        }
        if (kernel.takesRsdpAddress()) {
            request.acpiRsdp().ifPresent(params::acpiRsdp);
        }
        params.e820(E820.build(Layout.ramRegions(request.memorySize())));
        params.writeTo(memory, Layout.ZERO_PAGE_START);

        LOG.debug("loaded {} kernel {} at {}..{}, entry {}, initrd {}", kernel.format(), request.kernel(),
                kernel.start(), kernel.end(), kernel.entry(), initrd);
        return new LoadedKernel(kernel.format(), kernel.entry(), kernel.start(), kernel.end(),
                kernel.pvhEntry(), initrd, Layout.CMDLINE_START, Layout.ZERO_PAGE_START,
                Layout.BOOT_STACK_POINTER, kernel.protocolVersion());
    }

    private static KernelPlacement loadKernel(Path file, GuestMemory memory, long lowRamEnd)
            throws KernelLoadException {
        // The file goes into native memory that is freed as soon as it has been copied into the
        // guest: a byte[] would put the whole image (14 MiB for the default guest) into the Java
        // heap's old generation, and Files.readAllBytes would leave a direct buffer of its size in
        // the JDK's per-thread cache for the life of the process.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = readKernel(file, lowRamEnd, arena);
            if (ElfKernel.matches(image)) {
                return ElfKernel.load(file, image, memory, lowRamEnd);
            }
            if (image.byteSize() < BzImage.MIN_SIZE) {
                throw new KernelLoadException(Reason.TOO_SMALL, file,
                        "not a kernel: only %d bytes".formatted(image.byteSize()));
            }
            if (BzImage.matches(image)) {
                return BzImage.load(file, image, memory, lowRamEnd);
            }
            throw new KernelLoadException(Reason.BAD_MAGIC, file,
                    "not a kernel: neither a bzImage (no \"HdrS\" at 0x202) nor an ELF vmlinux");
        }
    }

    private static MemorySegment readKernel(Path file, long lowRamEnd, Arena arena) throws KernelLoadException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > lowRamEnd || size > Integer.MAX_VALUE - 8) {
                throw new KernelLoadException(Reason.NOT_ENOUGH_MEMORY, file,
                        "the kernel file alone (%d MiB) is larger than the VM's %d MiB below the MMIO hole"
                                .formatted(size >> 20, lowRamEnd >> 20));
            }
            MemorySegment image = arena.allocate(Math.max(size, 1));
            // If it shrank while read, what was there is what the loaders check.
            return image.asSlice(0, FileImages.readFully(channel, image));
        } catch (IOException e) {
            throw new KernelLoadException(Reason.UNREADABLE, file, "can't read kernel: " + KernelLoadException.describe(e), e);
        }
    }

    /** The command line as bytes (UTF-8), without a terminator. */
    private static byte[] checkCmdline(String cmdline) throws KernelLoadException {
        if (cmdline.indexOf('\0') >= 0) {
            throw new KernelLoadException(Reason.CMDLINE_INVALID, null,
                    "kernel command line contains a NUL character at %d".formatted(cmdline.indexOf('\0')));
        }
        return cmdline.getBytes(StandardCharsets.UTF_8);
    }
}
