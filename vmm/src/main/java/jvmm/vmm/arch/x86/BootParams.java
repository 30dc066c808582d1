package jvmm.vmm.arch.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import jvmm.virtio.memory.GuestMemory;

/**
 * The Linux "zero page" (struct boot_params, Documentation/arch/x86/zero-page.rst and boot.rst):
 * the one structure a 64-bit boot hands the kernel in rsi. It carries the setup header of the
 * bzImage (with the fields a boot loader must fill in), the E820 map, where the command line and
 * the initrd are, and where the RSDP is.
 *
 * <p>Built in a heap buffer, then copied into guest memory in one piece by {@link #writeTo}.
 */
public final class BootParams {

    /** sizeof(struct boot_params). */
    public static final int SIZE = 0x1000;

    // struct boot_params fields (zero-page.rst)
    public static final int ACPI_RSDP_ADDR = 0x070;
    public static final int EXT_RAMDISK_IMAGE = 0x0c0;
    public static final int EXT_RAMDISK_SIZE = 0x0c4;
    public static final int EXT_CMD_LINE_PTR = 0x0c8;
    public static final int E820_ENTRIES = 0x1e8;
    public static final int SENTINEL = 0x1ef;
    public static final int E820_TABLE = 0x2d0;

    // struct setup_header fields, at their offsets in boot_params and in the bzImage (boot.rst)
    public static final int SETUP_HEADER_START = 0x1f1;
    public static final int SETUP_SECTS = 0x1f1;
    public static final int VID_MODE = 0x1fa;
    public static final int BOOT_FLAG = 0x1fe;
    public static final int JUMP = 0x200;
    public static final int HEADER = 0x202;
    public static final int VERSION = 0x206;
    public static final int TYPE_OF_LOADER = 0x210;
    public static final int LOADFLAGS = 0x211;
    public static final int CODE32_START = 0x214;
    public static final int RAMDISK_IMAGE = 0x218;
    public static final int RAMDISK_SIZE = 0x21c;
    public static final int HEAP_END_PTR = 0x224;
    public static final int CMD_LINE_PTR = 0x228;
    public static final int INITRD_ADDR_MAX = 0x22c;
    public static final int KERNEL_ALIGNMENT = 0x230;
    public static final int RELOCATABLE_KERNEL = 0x234;
    public static final int XLOADFLAGS = 0x236;
    public static final int CMDLINE_SIZE = 0x238;
    public static final int PREF_ADDRESS = 0x258;
    public static final int INIT_SIZE = 0x260;
    /** The setup header never extends past this offset (struct boot_params pads up to here). */
    public static final int SETUP_HEADER_LIMIT = 0x290;

    /** "HdrS", little-endian. */
    public static final int HDRS_MAGIC = 0x5372_6448;
    public static final int BOOT_FLAG_MAGIC = 0xaa55;
    /** type_of_loader: a boot loader without an assigned id. */
    public static final int LOADER_UNDEFINED = 0xff;
    /** loadflags: the protected-mode code is loaded at 0x100000 or above. */
    public static final int LOADED_HIGH = 0x01;
    /** loadflags: heap_end_ptr is valid. */
    public static final int CAN_USE_HEAP = 0x80;
    /** vid_mode: "normal" text mode, no video mode prompt. */
    public static final int VID_MODE_NORMAL = 0xffff;
    /** heap_end_ptr: the whole 64 KiB real-mode segment, minus the 0x200 the field is relative to. */
    public static final int HEAP_END = 0xfe00;
    /** The first protocol version with acpi_rsdp_addr. */
    public static final int PROTOCOL_ACPI_RSDP = 0x020e;

    private final ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    private BootParams() {}

    /**
     * A zero page for a bzImage: its setup header ({@code header}, the image bytes from offset
     * {@link #SETUP_HEADER_START} up to the header's end) is copied in as boot.rst asks, and the
     * loader fields are filled in.
     */
    public static BootParams forSetupHeader(byte[] header) {
        if (header.length > SETUP_HEADER_LIMIT - SETUP_HEADER_START) {
            throw new IllegalArgumentException("setup header too long: " + header.length);
        }
        var params = new BootParams();
        params.page.put(SETUP_HEADER_START, header);
        params.markLoadedByUs();
        return params;
    }

    /** A zero page for a kernel without a setup header (ELF vmlinux): only the magic values. */
    public static BootParams withoutSetupHeader() {
        var params = new BootParams();
        params.page.putShort(BOOT_FLAG, (short) BOOT_FLAG_MAGIC);
        params.page.putInt(HEADER, HDRS_MAGIC);
        params.markLoadedByUs();
        return params;
    }

    private void markLoadedByUs() {
        page.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        page.put(LOADFLAGS, (byte) (u8(LOADFLAGS) | LOADED_HIGH | CAN_USE_HEAP));
        page.putShort(HEAP_END_PTR, (short) HEAP_END);
        page.putShort(VID_MODE, (short) VID_MODE_NORMAL);
    }

    /** Where the protected-mode kernel was loaded, for code that still reads code32_start. */
    public BootParams code32Start(GuestAddress addr) {
        page.putInt(CODE32_START, (int) addr.value());
        return this;
    }

    /** Where the NUL-terminated command line is, and its size (used by a header-less kernel). */
    public BootParams cmdline(GuestAddress addr, int maxSize) {
        page.putInt(CMD_LINE_PTR, (int) addr.value());
        page.putInt(EXT_CMD_LINE_PTR, (int) (addr.value() >>> 32));
        if (u32(CMDLINE_SIZE) == 0) {
            page.putInt(CMDLINE_SIZE, maxSize);
        }
        return this;
    }

    /** Where the initrd was loaded and how many bytes it has. */
    public BootParams ramdisk(GuestAddress addr, long size) {
        page.putInt(RAMDISK_IMAGE, (int) addr.value());
        page.putInt(EXT_RAMDISK_IMAGE, (int) (addr.value() >>> 32));
        page.putInt(RAMDISK_SIZE, (int) size);
        page.putInt(EXT_RAMDISK_SIZE, (int) (size >>> 32));
        return this;
    }

    /** The RSDP's address, which spares the kernel the scan of the BIOS area. */
    public BootParams acpiRsdp(GuestAddress addr) {
        page.putLong(ACPI_RSDP_ADDR, addr.value());
        return this;
    }

    /**
     * The memory map.
     *
     * @throws IllegalArgumentException with more entries than boot_params has room for
     */
    public BootParams e820(List<E820.Entry> entries) {
        if (entries.size() > E820.MAX_ENTRIES) {
            throw new IllegalArgumentException("too many E820 entries: " + entries.size());
        }
        page.put(E820_ENTRIES, (byte) entries.size());
        int off = E820_TABLE;
        for (E820.Entry e : entries) {
            page.putLong(off, e.addr().value());
            page.putLong(off + 8, e.size());
            page.putInt(off + 16, e.type());
            off += E820.ENTRY_SIZE;
        }
        return this;
    }

    /** Copies the zero page into guest memory at {@code addr}. */
    public void writeTo(GuestMemory memory, GuestAddress addr) {
        memory.write(addr, page.array());
    }

    /** The unsigned byte at {@code offset}: for callers that check what was built. */
    public int u8(int offset) {
        return page.get(offset) & 0xff;
    }

    public int u16(int offset) {
        return page.getShort(offset) & 0xffff;
    }

    public long u32(int offset) {
        return page.getInt(offset) & 0xffff_ffffL;
    }

    public long u64(int offset) {
        return page.getLong(offset);
    }
}
