package jvmm.vmm.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.message.MessageFactory;
import org.apache.logging.log4j.spi.ExtendedLogger;
import org.apache.logging.log4j.spi.LoggerContext;
import org.apache.logging.log4j.spi.LoggerContextFactory;

/**
 * The one logger context of the VMM and its factory. The level is the system property
 * {@code jvmm.logLevel} (set from {@code --log-level}; default info) as it is when the first
 * logger is asked for.
 * Lines go straight to file descriptor 2, one write each, so lines of two threads never mix and
 * redirecting {@code System.err} does not capture them.
 */
public final class StderrLogging implements LoggerContextFactory, LoggerContext {

    static final String LEVEL_PROPERTY = "jvmm.logLevel";

    private final ConcurrentMap<String, StderrLogger> loggers = new ConcurrentHashMap<>();
    private volatile Level level;
    private final OutputStream out = new FileOutputStream(FileDescriptor.err);

    private Level level() {
        Level l = level;
        if (l == null) {
            l = Level.toLevel(System.getProperty(LEVEL_PROPERTY, "info").toUpperCase(Locale.ROOT), Level.INFO);
            level = l;
        }
        return l;
    }

    void write(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                // stderr is gone: nowhere left to say so
            }
        }
    }

    @Override
    public ExtendedLogger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new StderrLogger(n, level(), this));
    }

    @Override
    public ExtendedLogger getLogger(String name, MessageFactory messageFactory) {
        return getLogger(name); // Log4j's default message factory is the only one the VMM uses
    }

    @Override
    public boolean hasLogger(String name) {
        return loggers.containsKey(name);
    }

    @Override
    public boolean hasLogger(String name, MessageFactory messageFactory) {
        return hasLogger(name);
    }

    @Override
    public boolean hasLogger(String name, Class<? extends MessageFactory> messageFactoryClass) {
        return hasLogger(name);
    }

    @Override
    public Object getExternalContext() {
        return null;
    }

    @Override
    public LoggerContext getContext(String fqcn, ClassLoader loader, Object externalContext, boolean currentContext) {
        return this;
    }

    @Override
    public LoggerContext getContext(String fqcn, ClassLoader loader, Object externalContext, boolean currentContext,
            URI configLocation, String name) {
        return this;
    }

    @Override
    public void removeContext(LoggerContext context) {
    }

    @Override
    public boolean isClassLoaderDependent() {
        return false;
    }
}
