package jvmm.vmm.loader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jvmm.vmm.arch.x86.Layout;
import jvmm.vmm.config.ConfigException;

/**
 * A flat firmware image for {@code --firmware}, as QEMU's {@code -bios} takes one: the bytes go
 * unchanged to the top of the 32-bit address space (they end at 4 GiB) and the CPU starts at
 * their last 16 bytes, the reset vector. No format, no header: only the size is checked.
 *
 * @param path the file
 * @param map where the guest sees it
 */
public record FirmwareImage(Path path, Layout.FirmwareMap map) {

    private static final String WHAT = "a flat image of 4 KiB to 16 MiB in whole 4 KiB pages, mapped to end at 4 GiB";

    /**
     * Checks {@code path}'s size.
     *
     * @throws ConfigException naming the file and what is wrong with it
     */
    public static FirmwareImage open(Path path) {
        long size;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
        } catch (IOException e) {
            throw new ConfigException("--firmware %s: can't read it (%s)".formatted(path, e.getMessage()));
        }
        if (size == 0) {
            throw new ConfigException("--firmware %s: the file is empty (%s)".formatted(path, WHAT));
        }
        if (size > Layout.FIRMWARE_MAX_SIZE) {
            throw new ConfigException("--firmware %s: %d bytes is more than 16 MiB (%s)".formatted(path, size, WHAT));
        }
        if (size % Layout.FIRMWARE_ALIGNMENT != 0) {
            throw new ConfigException("--firmware %s: %d bytes is not a multiple of 4 KiB (%s)".formatted(path, size, WHAT));
        }
        return new FirmwareImage(path, Layout.firmwareMap(size));
    }

    /** The image's size in bytes. */
    public long size() {
        return map.size();
    }

    /**
     * Reads the image into {@code target} (at least {@link #size} bytes).
     *
     * @throws ConfigException when the file can't be read, or changed size since {@link #open}
     */
    public void readInto(MemorySegment target) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (FileImages.readFully(ch, target.asSlice(0, size())) < size()) {
                throw new ConfigException("--firmware %s: the file got shorter while it was read".formatted(path));
            }
        } catch (IOException e) {
            throw new ConfigException("--firmware %s: can't read it (%s)".formatted(path, e.getMessage()));
        }
    }
}
