package jvmm.vmm.api;

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
        Object value;
        try {
            value = Json.parse(text);
        } catch (Json.MalformedException e) {
            throw new ApiException(400, "malformed JSON: " + e.getMessage());
        }
        if (!(value instanceof java.util.Map)) {
            throw new ApiException(400, "the file holds %s, not a configuration object".formatted(Json.typeName(value)));
        }
        return ConfigFile.read(Json.Fields.of(value, ""));
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
