package jvmm.vmm.cli;

import java.util.Locale;
import java.util.Set;

/**
 * The log level chosen on the command line. It is set before the first logger is created (no
 * class that logs is loaded before the CLI is parsed), so the logging back end
 * ({@link jvmm.vmm.log.StderrLogging}) reads it once.
 */
final class LogLevel {

    static final String PROPERTY = "jvmm.logLevel";
    private static final Set<String> LEVELS = Set.of("off", "error", "warn", "info", "debug", "trace");

    private LogLevel() {
    }

    static void set(String level) {
        String l = level.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new jvmm.vmm.config.ConfigException(
                    "invalid --log-level '%s': one of off, error, warn, info, debug, trace".formatted(level));
        }
        System.setProperty(PROPERTY, l);
    }

    static boolean debugEnabled() {
        String l = System.getProperty(PROPERTY, "info");
        return l.equals("debug") || l.equals("trace");
    }
}
