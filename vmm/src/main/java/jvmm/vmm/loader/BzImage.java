package jvmm.vmm.loader;

import static jvmm.vmm.arch.x86.BootParams.CMDLINE_SIZE;
import static jvmm.vmm.arch.x86.BootParams.HEADER;
import static jvmm.vmm.arch.x86.BootParams.INITRD_ADDR_MAX;
import static jvmm.vmm.arch.x86.BootParams.INIT_SIZE;
import static jvmm.vmm.arch.x86.BootParams.JUMP;
import static jvmm.vmm.arch.x86.BootParams.KERNEL_ALIGNMENT;
import static jvmm.vmm.arch.x86.BootParams.LOADFLAGS;
import static jvmm.vmm.arch.x86.BootParams.PREF_ADDRESS;
import static jvmm.vmm.arch.x86.BootParams.RELOCATABLE_KERNEL;
import static jvmm.vmm.arch.x86.BootParams.SETUP_HEADER_LIMIT;
import static jvmm.vmm.arch.x86.BootParams.SETUP_HEADER_START;
import static jvmm.vmm.arch.x86.BootParams.SETUP_SECTS;
import static jvmm.vmm.arch.x86.BootParams.VERSION;
import static jvmm.vmm.arch.x86.BootParams.XLOADFLAGS;
import static jvmm.vmm.loader.LeBytes.u16;
import static jvmm.vmm.loader.LeBytes.u32;
import static jvmm.vmm.loader.LeBytes.u64;
import static jvmm.vmm.loader.LeBytes.u8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Optional;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;
import jvmm.vmm.arch.x86.BootParams;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.loader.KernelLoadException.Reason;

/**
 * Loads a bzImage for the 64-bit boot protocol (Documentation/arch/x86/boot.rst): the real-mode
 * setup code is skipped, its setup header goes into the zero page, and the protected-mode part is
 * copied to its preferred address, where it decompresses itself in place.
 *
 * <p>Every check happens before the first byte is written to guest memory, in file order, so a
 * truncated or damaged file is reported by the first field it lacks.
 */
final class BzImage {

    /** boot.rst: the 64-bit entry is 0x200 past the start of the protected-mode code. */
    static final long ENTRY_64_OFFSET = 0x200;
    static final int MIN_PROTOCOL = 0x0206;
    /** The first protocol with xloadflags (and with it a documented 64-bit entry). */
    static final int PROTOCOL_XLOADFLAGS = 0x020c;
    static final int XLF_KERNEL_64 = 0x1;
    private static final int SYSSIZE = 0x1f4;
    private static final int SECTOR = 512;
    /** Before the header's own end can be read, the magic and the jump offset must be there. */
    static final int MIN_SIZE = HEADER + 4;

    private BzImage() {}

    /** Whether {@code image} carries the "HdrS" magic of the x86 boot protocol. */
    static boolean matches(MemorySegment image) {
        return image.byteSize() >= MIN_SIZE && (int) u32(image, HEADER) == BootParams.HDRS_MAGIC;
    }

    static KernelPlacement load(Path file, MemorySegment image, GuestMemory memory, long lowRamEnd)
            throws KernelLoadException {
        int headerEnd = Math.min(JUMP + 2 + u8(image, JUMP + 1), SETUP_HEADER_LIMIT);
        if (image.byteSize() < Math.max(headerEnd, VERSION + 2)) {
            throw fail(Reason.TRUNCATED, file, "truncated bzImage: the setup header ends at 0x%x but the file has %d bytes"
                    .formatted(headerEnd, image.byteSize()));
        }
        int version = u16(image, VERSION);
        if (version < MIN_PROTOCOL) {
            throw fail(Reason.PROTOCOL_TOO_OLD, file, "boot protocol %s is too old: need 2.06 or later"
                    .formatted(versionString(version)));
        }
        if (version < PROTOCOL_XLOADFLAGS || headerEnd < XLOADFLAGS + 2
                || (u16(image, XLOADFLAGS) & XLF_KERNEL_64) == 0) {
            throw fail(Reason.NOT_64BIT, file, "kernel has no 64-bit entry point (XLF_KERNEL_64 not set, protocol %s)"
                    .formatted(versionString(version)));
        }
        if (headerEnd < INIT_SIZE + 4) {
            throw fail(Reason.BAD_HEADER, file, "setup header ends at 0x%x, before init_size at 0x%x"
                    .formatted(headerEnd, INIT_SIZE));
        }
        if ((u8(image, LOADFLAGS) & BootParams.LOADED_HIGH) == 0) {
            throw fail(Reason.BAD_HEADER, file, "a zImage (LOADED_HIGH not set): only bzImages are supported");
        }
        int setupSects = u8(image, SETUP_SECTS) == 0 ? 4 : u8(image, SETUP_SECTS);
        int setupSize = (setupSects + 1) * SECTOR;
        long syssize = u32(image, SYSSIZE) * 16;
        long protectedSize = image.byteSize() - (long) setupSize;
        if (protectedSize <= 0 || protectedSize < syssize) {
            throw fail(Reason.TRUNCATED, file, "truncated bzImage: %d setup sectors and 0x%x bytes of kernel need %d bytes, the file has %d"
                    .formatted(setupSects, syssize, setupSize + Math.max(syssize, 1), image.byteSize()));
        }
        long initSize = u32(image, INIT_SIZE);
        if (initSize < protectedSize) {
            throw fail(Reason.BAD_HEADER, file, "init_size 0x%x is smaller than the kernel's 0x%x bytes"
                    .formatted(initSize, protectedSize));
        }
        long load = loadAddress(image);
        long decompressAt = decompressAddress(image, load);
        long requiredEnd = decompressAt + initSize;
        if (requiredEnd > lowRamEnd) {
            throw fail(Reason.NOT_ENOUGH_MEMORY, file, "the kernel needs %d MiB of RAM (init_size 0x%x at 0x%x), the VM has %d MiB below the MMIO hole"
                    .formatted(mibRoundedUp(requiredEnd), initSize, decompressAt, lowRamEnd >> 20));
        }
        GuestAddress loadAddr = GuestAddress.of(load);
        MemorySegment.copy(image, setupSize, memory.slice(loadAddr, protectedSize), 0, protectedSize);

        BootParams params = BootParams.forSetupHeader(
                image.asSlice(SETUP_HEADER_START, headerEnd - SETUP_HEADER_START).toArray(ValueLayout.JAVA_BYTE));
        return new KernelPlacement(LoadedKernel.Format.BZIMAGE,
                loadAddr.checkedAdd(ENTRY_64_OFFSET), loadAddr, GuestAddress.of(requiredEnd),
                Optional.empty(), params.code32Start(loadAddr),
                (int) Math.min(u32(image, CMDLINE_SIZE), Layout.CMDLINE_MAX_SIZE - 1),
                u32(image, INITRD_ADDR_MAX), version, version >= BootParams.PROTOCOL_ACPI_RSDP);
    }

    /**
     * A relocatable kernel goes to pref_address (where it would decompress to anyway, so it runs
     * in place); any other goes to 1 MiB, the classic bzImage load address.
     */
    private static long loadAddress(MemorySegment image) {
        long pref = u64(image, PREF_ADDRESS);
        long align = u32(image, KERNEL_ALIGNMENT);
        boolean relocatable = u8(image, RELOCATABLE_KERNEL) != 0;
        boolean prefUsable = pref >= Layout.HIGH_MEMORY_START.value()
                && pref < Layout.MMIO_HOLE_START.value()
                && (Long.bitCount(align) != 1 || (pref & (align - 1)) == 0);
        return relocatable && prefUsable ? pref : Layout.HIGH_MEMORY_START.value();
    }

    /**
     * Where the kernel's decompressor will put itself (arch/x86/boot/compressed/head_64.S): a
     * relocatable kernel the load address rounded up to kernel_alignment, but never below
     * LOAD_PHYSICAL_ADDR (= pref_address); any other kernel at LOAD_PHYSICAL_ADDR.
     */
    private static long decompressAddress(MemorySegment image, long load) {
        long pref = u64(image, PREF_ADDRESS);
        if (pref < 0 || pref >= Layout.MMIO_HOLE_START.value()) {
            pref = 0; // nonsense: the RAM check below then fails on init_size alone if at all
        }
        long align = u32(image, KERNEL_ALIGNMENT);
        long at = load;
        if (u8(image, RELOCATABLE_KERNEL) != 0 && Long.bitCount(align) == 1) {
            at = (load + align - 1) & -align;
        }
        return Math.max(at, pref);
    }

    static String versionString(int version) {
        return "%d.%02d".formatted(version >> 8, version & 0xff);
    }

    private static long mibRoundedUp(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    private static KernelLoadException fail(Reason reason, Path file, String detail) {
        return new KernelLoadException(reason, file, detail);
    }
}
