package jvmm.vmm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jvmm.vmm.HostException;
import jvmm.vmm.api.UnixHttpClient;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Clients of a running VMM's control API ({@code run --api-socket PATH}): each sends one request
 * over the socket, prints the JSON answer (if any) on stdout and exits 0 on success, 1 with the
 * API's fault message on stderr otherwise.
 */
final class ClientCommands {

    private ClientCommands() {
    }

    /** The socket option every client shares. */
    abstract static class Client implements Callable<Integer> {
        @Option(names = "--api-socket", paramLabel = "PATH", required = true, description = "The VMM's API socket.")
        Path socket;

        int send(String method, String path, String body) throws HostException {
            if (!Files.exists(socket)) {
                throw new ConfigException("--api-socket %s: no such socket (is the VMM running with --api-socket?)".formatted(socket));
            }
            UnixHttpClient.Response r;
            try {
                r = new UnixHttpClient(socket).send(method, path, body);
            } catch (IOException e) {
                throw new HostException("can't reach the VMM's API on %s: %s".formatted(socket, e.getMessage()), e);
            }
            if (r.status() >= 200 && r.status() < 300) {
                if (!r.body().isEmpty()) {
                    System.out.println(r.body());
                }
                return 0;
            }
            System.err.printf("vmm: %s %s: HTTP %d %s%n", method, path, r.status(), r.body());
            return 1;
        }
    }

    @Command(name = "api", mixinStandardHelpOptions = true,
            description = "Send one request to a running VMM's control API, e.g. 'vmm api --api-socket /tmp/vm.sock GET /'.")
    static final class Api extends Client {
        @Parameters(index = "0", paramLabel = "METHOD", description = "GET, PUT or PATCH.")
        String method;

        @Parameters(index = "1", paramLabel = "PATH", description = "The resource, e.g. /machine-config.")
        String path;

        @Parameters(index = "2", arity = "0..1", paramLabel = "JSON", description = "The request body.")
        String body;

        @Override
        public Integer call() throws Exception {
            String m = method.toUpperCase(Locale.ROOT);
            if (!m.matches("GET|PUT|PATCH")) {
                throw new ConfigException("invalid METHOD '%s': GET, PUT or PATCH".formatted(method));
            }
            if (!path.startsWith("/")) {
                throw new ConfigException("invalid PATH '%s': it starts with /".formatted(path));
            }
            return send(m, path, body);
        }
    }

    @Command(name = "balloon", mixinStandardHelpOptions = true, description = "Set the balloon's size or read its statistics.",
            subcommands = {BalloonSet.class, BalloonStats.class})
    static final class Balloon implements Runnable {
        @Override
        public void run() {
            throw new ConfigException("missing balloon command: set SIZE or stats");
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the balloon's target: how much guest memory it should hold (e.g. 256M; whole MiB).")
    static final class BalloonSet extends Client {
        @Parameters(paramLabel = "SIZE")
        String size;

        @Override
        public Integer call() throws Exception {
            long bytes = Sizes.parse(size);
            if (bytes % (1 << 20) != 0) {
                throw new ConfigException("balloon size %s is not a whole number of MiB".formatted(size));
            }
            return send("PATCH", "/balloon", "{\"amount_mib\": " + (bytes >> 20) + "}");
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Print the balloon's statistics (JSON).")
    static final class BalloonStats extends Client {
        @Override
        public Integer call() throws Exception {
            return send("GET", "/balloon/statistics", null);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause the VM's vCPUs.")
    static final class Pause extends Client {
        @Override
        public Integer call() throws Exception {
            return send("PATCH", "/vm", "{\"state\": \"Paused\"}");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused VM.")
    static final class Resume extends Client {
        @Override
        public Integer call() throws Exception {
            return send("PATCH", "/vm", "{\"state\": \"Resumed\"}");
        }
    }
}
