package jvmm.vmm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import jvmm.vmm.HostException;
import jvmm.vmm.KvmVm;
import jvmm.vmm.api.ApiRouter;
import jvmm.vmm.api.ApiServer;
import jvmm.vmm.api.ApiVm;
import jvmm.vmm.api.ConfigFiles;
import jvmm.vmm.api.VmmControl;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.VmConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code run}'s control API and config file. Kept apart from {@link RunCommand} so that the API
 * server and the JSON code are loaded only when {@code --api-socket} or {@code --config} is given.
 */
final class ApiSupport {

    private static final Logger LOG = LogManager.getLogger(ApiSupport.class);
    /** Firecracker's default instance id. */
    static final String INSTANCE_ID = "anonymous-instance";

    private ApiSupport() {
    }

    static VmConfig loadConfig(Path file) {
        return ConfigFiles.load(file);
    }

    /**
     * Serves the API on {@code socket} while the VM runs. With {@code config}, the VM boots at
     * once; without, it waits for the pre-boot configuration and InstanceStart, and a start that
     * fails (a kernel that does not load, a TAP that does not exist) is answered with 400 and
     * leaves the configuration open for another try.
     */
    static VmSession.Outcome runWithApi(Path socket, VmConfig config, Function<VmConfig, VmSession> sessions)
            throws HostException, InterruptedException {
        ApiVm api = new ApiVm(INSTANCE_ID);
        ApiRouter router = new ApiRouter(api, Main.Version.text());
        ApiServer server;
        try {
            server = ApiServer.start(socket, router);
        } catch (IOException e) {
            throw new ConfigException("--api-socket %s: %s".formatted(socket, e.getMessage()));
        }
        try (server) {
            if (config != null) {
                return sessions.apply(config).onCreated(vmm -> api.attach(new VmmControl(vmm), config)).run();
            }
            // What no configuration changes is made while the client configures: the KVM VM.
            KvmVm.Ahead ahead = KvmVm.openAhead();
            try {
                LOG.info("waiting for the VM's configuration and InstanceStart on {}", socket);
                while (true) {
                    ApiVm.StartRequest start = api.awaitStart();
                    if (ahead.taken()) {
                        ahead = KvmVm.openAhead(); // the last try's VM was closed with it
                    }
                    try {
                        return sessions.apply(start.config()).kvmAhead(ahead).onCreated(vmm -> {
                            api.attach(new VmmControl(vmm), start.config());
                            start.started();
                        }).run();
                    } catch (ConfigException | HostException e) {
                        if (!start.failed(e)) {
                            throw e; // the VM had started: this is how it ended
                        }
                        LOG.warn("InstanceStart failed: {}", e.getMessage());
                    }
                }
            } finally {
                ahead.close();
            }
        }
    }
}
