package jvmm.vmm.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jvmm.vmm.api.ApiModels.ConfigFile;
import jvmm.vmm.api.ApiModels.Drive;
import jvmm.vmm.api.ApiModels.NetworkInterface;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.VmConfig;

/**
 * {@code --config FILE}: a JSON file in Firecracker's {@code --config-file} schema (boot-source,
 * machine-config, drives, network-interfaces, balloon), applied exactly as the same API requests
 * would be, so the two can't disagree.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * The VM {@code file} describes.
     *
     * @throws ConfigException naming the file and what is wrong with it
     */
    public static VmConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("--config %s: can't read it (%s)".formatted(file, e.getMessage()));
        }
        try {
            return toVmConfig(parse(text));
        } catch (ApiException e) {
            throw new ConfigException("--config %s: %s".formatted(file, e.getMessage()));
        }
    }

    static ConfigFile parse(String text) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try {
            ConfigFile c = json.readValue(text, ConfigFile.class);
            if (c == null) {
                throw new ApiException(400, "the file holds null, not a configuration object");
            }
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(400, "unknown field '%s' at %s".formatted(e.getPropertyName(), e.getPathReference()));
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed JSON: %s (line %d)".formatted(e.getOriginalMessage(),
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr()));
        }
    }

    static VmConfig toVmConfig(ConfigFile c) {
        ApiModels.refuseUnsupported("config", "logger", c.logger(), "metrics", c.metrics(), "mmds-config", c.mmdsConfig(),
                "vsock", c.vsock(), "entropy", c.entropy());
        if (c.bootSource() == null) {
            throw new ApiException(400, "'boot-source' is required");
        }
        ApiVm vm = new ApiVm("config");
        vm.putBootSource(c.bootSource());
        if (c.machineConfig() != null) {
            vm.setMachineConfig(c.machineConfig(), false);
        }
        if (c.drives() != null) {
            for (Drive d : c.drives()) {
                vm.putDrive(d.driveId() == null ? "" : d.driveId(), d);
            }
        }
        if (c.networkInterfaces() != null) {
            for (NetworkInterface n : c.networkInterfaces()) {
                vm.putNetwork(n.ifaceId() == null ? "" : n.ifaceId(), n);
            }
        }
        if (c.balloon() != null) {
            vm.putBalloon(c.balloon());
        }
        return vm.toVmConfig();
    }
}
