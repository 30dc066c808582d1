package jvmm.vmm.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One virtio-blk disk: {@code --disk PATH[,ro][,id=NAME]}.
 *
 * @param path a raw image file (or block device)
 * @param readOnly offered to the guest as VIRTIO_BLK_F_RO and opened read-only
 * @param id the serial the guest reads with GET_ID (at most 20 bytes)
 */
public record DiskConfig(Path path, boolean readOnly, Optional<String> id) {

    public static final int MAX_ID_BYTES = 20;

    public DiskConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(id, "id");
        if (id.isPresent() && id.get().getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new ConfigException("--disk id '%s' is too long: at most %d bytes".formatted(id.get(), MAX_ID_BYTES));
        }
    }

    /** Parses {@code PATH[,ro][,id=NAME]} and checks that the file can be opened as asked. */
    public static DiskConfig parse(String spec) {
        String[] parts = spec.split(",");
        if (parts[0].isEmpty()) {
            throw new ConfigException("--disk '%s': missing the image path (PATH[,ro][,id=NAME])".formatted(spec));
        }
        boolean ro = false;
        Optional<String> id = Optional.empty();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("ro")) {
                ro = true;
            } else if (p.startsWith("id=") && p.length() > 3) {
                id = Optional.of(p.substring(3));
            } else {
                throw new ConfigException("--disk '%s': unknown option '%s' (valid: ro, id=NAME)".formatted(spec, p));
            }
        }
        Path path = Path.of(parts[0]);
        if (!Files.exists(path)) {
            throw new ConfigException("--disk %s: no such file".formatted(path));
        }
        if (Files.isDirectory(path)) {
            throw new ConfigException("--disk %s: is a directory, not a disk image".formatted(path));
        }
        if (!Files.isReadable(path) || (!ro && !Files.isWritable(path))) {
            throw new ConfigException("--disk %s: permission denied%s".formatted(path, ro ? "" : " (add ,ro for a read-only disk)"));
        }
        return new DiskConfig(path, ro, id);
    }
}
