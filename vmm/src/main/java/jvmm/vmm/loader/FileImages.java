package jvmm.vmm.loader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Reading whole files (kernels, initrds, firmware) straight into native or guest memory. */
final class FileImages {

    private FileImages() {}

    /**
     * Reads {@code channel} from its position into {@code target} until {@code target} is full or
     * the file ends, and returns how many bytes came: fewer than {@code target}'s size only when
     * the file is shorter (the caller decides whether that is an error).
     */
    static long readFully(FileChannel channel, MemorySegment target) throws IOException {
        ByteBuffer buffer = target.asByteBuffer();
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
        }
        return buffer.position();
    }
}
