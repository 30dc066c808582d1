package jvmm.virtio.block;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a disk is exposed: its image file, whether the guest may write it, and its serial
 * ({@code id=NAME}), which the guest reads with GET_ID (e.g. /sys/block/vda/serial). The
 * constructor rejects bad user input with a message that names the value and what is valid.
 *
 * @param image the raw image file or block device
 * @param readOnly expose the disk read-only (VIRTIO_BLK_F_RO; writes answer IOERR)
 * @param id the serial, at most 20 bytes of UTF-8, or null for none
 * @param queueSize the largest queue the driver may set up (a power of two, 2..32768)
 */
public record BlockConfig(Path image, boolean readOnly, String id, int queueSize) {

    public static final int DEFAULT_QUEUE_SIZE = 256;

    public BlockConfig {
        Objects.requireNonNull(image, "image");
        if (id != null && id.getBytes(StandardCharsets.UTF_8).length > VirtioBlk.ID_BYTES) {
            throw new IllegalArgumentException("disk id '%s' is %d bytes long; at most %d bytes are allowed"
                    .formatted(id, id.getBytes(StandardCharsets.UTF_8).length, VirtioBlk.ID_BYTES));
        }
        if (queueSize < 2 || queueSize > 32768 || Integer.bitCount(queueSize) != 1) {
            throw new IllegalArgumentException("disk queue size %d is invalid; use a power of two from 2 to 32768"
                    .formatted(queueSize));
        }
    }

    public BlockConfig(Path image, boolean readOnly, String id) {
        this(image, readOnly, id, DEFAULT_QUEUE_SIZE);
    }

    /** The GET_ID answer: the id's bytes, zero-padded to 20. */
    public byte[] idBytes() {
        byte[] bytes = new byte[VirtioBlk.ID_BYTES];
        if (id != null) {
            byte[] raw = id.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(raw, 0, bytes, 0, raw.length);
        }
        return bytes;
    }
}
