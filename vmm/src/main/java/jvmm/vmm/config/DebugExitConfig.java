package jvmm.vmm.config;

import jvmm.vmm.arch.x86.Layout;

/**
 * {@code --debug-exit [iobase=PORT]}: an isa-debug-exit device as QEMU has one (same default port,
 * same two ports, same exit status), so that a test guest ends with the same status on both.
 *
 * @param iobase the first of its {@link #LENGTH} ports
 */
public record DebugExitConfig(int iobase) {

    /** QEMU's default iobase for isa-debug-exit. */
    public static final int DEFAULT_IOBASE = 0x501;
    /** The ports it spans (QEMU's default iosize). */
    public static final int LENGTH = 2;
    private static final String FORM = "iobase=PORT, a port number such as 0x501 (the default) or 1281";

    public DebugExitConfig {
        if (iobase < 0 || iobase > 0x1_0000 - LENGTH) {
            throw new ConfigException("--debug-exit iobase=0x%x is out of range: 0x0..0x%x"
                    .formatted(iobase, 0x1_0000 - LENGTH));
        }
        for (Layout.PortRange r : Layout.FIXED_PORTS) {
            if (r.overlaps(iobase, LENGTH)) {
                throw new ConfigException("--debug-exit iobase=0x%x: ports 0x%x-0x%x are %s's (0x%x-0x%x)"
                        .formatted(iobase, iobase, iobase + LENGTH - 1, r.device(), r.base(), r.base() + r.length() - 1));
            }
        }
    }

    /** Parses the option's value; an empty one is the default port. */
    public static DebugExitConfig parse(String spec) {
        int iobase = DEFAULT_IOBASE;
        for (String part : spec.split(",")) {
            if (part.isEmpty() && spec.isEmpty()) {
                continue;
            }
            if (part.startsWith("iobase=")) {
                iobase = port(spec, part.substring("iobase=".length()));
            } else {
                throw new ConfigException("--debug-exit '%s': unknown option '%s' (valid: %s)".formatted(spec, part, FORM));
            }
        }
        return new DebugExitConfig(iobase);
    }

    private static int port(String spec, String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X")
                    ? Integer.parseInt(text.substring(2), 16)
                    : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException("--debug-exit '%s': iobase '%s' is not a port number (%s)".formatted(spec, text, FORM));
        }
    }
}
