package jvmm.vmm.loader;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A kernel, initrd or command line that can't be booted. The message is one line that names the
 * file and what is wrong with it; the CLI shows it to the user as it is.
 */
public final class KernelLoadException extends Exception {

    /** What went wrong, one value per check the loaders make. */
    public enum Reason {
        /** The kernel or initrd file could not be read. */
        UNREADABLE,
        /** Shorter than the smallest header of any supported format. */
        TOO_SMALL,
        /** Neither a bzImage nor an ELF vmlinux. */
        BAD_MAGIC,
        /** A bzImage whose boot protocol predates 2.06. */
        PROTOCOL_TOO_OLD,
        /** A kernel without a 64-bit entry point (bzImage without XLF_KERNEL_64, ELFCLASS32). */
        NOT_64BIT,
        /** An ELF file for another machine or byte order. */
        WRONG_MACHINE,
        /** A header that contradicts itself (sizes, counts, entry outside the loaded image). */
        BAD_HEADER,
        /** The headers describe more bytes than the file has. */
        TRUNCATED,
        /** An ELF segment that lies where no RAM can ever be (below 1 MiB, in or above the MMIO hole). */
        SEGMENT_OUTSIDE_RAM,
        /** Guest RAM is smaller than what the kernel needs to load and decompress itself. */
        NOT_ENOUGH_MEMORY,
        /** The initrd does not fit between the kernel and the highest address it may use. */
        INITRD_TOO_BIG,
        /** The command line is longer than the kernel accepts. */
        CMDLINE_TOO_LONG,
        /** The command line contains a NUL byte, which would cut it short. */
        CMDLINE_INVALID
    }

    private final Reason reason;
    private final Path file;

    public KernelLoadException(Reason reason, Path file, String detail) {
        this(reason, file, detail, null);
    }

    public KernelLoadException(Reason reason, Path file, String detail, Throwable cause) {
        super(file == null ? detail : file + ": " + detail, cause);
        this.reason = reason;
        this.file = file;
    }

    /** A short description of an I/O failure, without the exception class. */
    static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    public Reason reason() {
        return reason;
    }

    /** The file at fault, or null when the command line is. */
    public Path file() {
        return file;
    }
}
