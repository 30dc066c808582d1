package jvmm.vmm.log;

import org.apache.logging.log4j.spi.Provider;

/** Registers {@link StderrLogging} with the Log4j 2 API (found through {@code ServiceLoader}). */
public final class StderrLogProvider extends Provider {

    /** Above Log4j Core's 10, should a class path ever hold both. */
    private static final int PRIORITY = 50;

    public StderrLogProvider() {
        super(PRIORITY, CURRENT_VERSION, StderrLogging.class);
    }
}
