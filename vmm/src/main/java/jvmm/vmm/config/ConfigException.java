package jvmm.vmm.config;

/** Bad user input (CLI, config file, API): the message names the value and what is valid. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
