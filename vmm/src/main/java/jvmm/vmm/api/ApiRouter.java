package jvmm.vmm.api;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvmm.vmm.api.ApiModels.Action;
import jvmm.vmm.api.ApiModels.Balloon;
import jvmm.vmm.api.ApiModels.BalloonStatistics;
import jvmm.vmm.api.ApiModels.BalloonStatsUpdate;
import jvmm.vmm.api.ApiModels.BalloonUpdate;
import jvmm.vmm.api.ApiModels.BootSource;
import jvmm.vmm.api.ApiModels.Drive;
import jvmm.vmm.api.ApiModels.Fault;
import jvmm.vmm.api.ApiModels.InstanceInfo;
import jvmm.vmm.api.ApiModels.MachineConfig;
import jvmm.vmm.api.ApiModels.NetworkInterface;
import jvmm.vmm.api.ApiModels.VmState;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The API's request handling without the transport: method, path and body in, status and JSON
 * out, with Firecracker's paths, bodies and status codes (204 for a change, 200 with a body for
 * a query, 400 with {@code {"fault_message": ...}} for a request it refuses). Paths it does not
 * know get 404, known paths with another method 405. Nothing a request carries reaches the guest
 * unchecked.
 */
public final class ApiRouter {

    private static final Logger LOG = LogManager.getLogger(ApiRouter.class);
    private static final Pattern DRIVE = Pattern.compile("/drives/([A-Za-z0-9_-]{1,64})");
    private static final Pattern NET = Pattern.compile("/network-interfaces/([A-Za-z0-9_-]{1,64})");
    private static final long MIB = 1 << 20;
    private static final long PAGE = 4096;

    /** An answer: the HTTP status and the JSON body (empty for 204). */
    public record Reply(int status, String json) {
    }

    private final ApiVm vm;
    private final String version;

    public ApiRouter(ApiVm vm, String version) {
        this.vm = vm;
        this.version = version;
    }

    /** Handles one request; never throws. */
    public Reply handle(String method, String path, String body) {
        try {
            Reply r = route(method, path, body);
            LOG.debug("API {} {} -> {}", method, path, r.status());
            return r;
        } catch (ApiException e) {
            LOG.info("API {} {} -> {}: {}", method, path, e.status(), e.getMessage());
            return fault(e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fault(503, "the VMM is shutting down");
        } catch (RuntimeException e) {
            LOG.warn("API {} {} failed", method, path, e);
            return fault(500, "internal error: " + e);
        }
    }

    private Reply route(String method, String path, String body) throws InterruptedException {
        Matcher m;
        switch (path) {
            case "/" -> {
                allow(method, "GET");
                return ok(new InstanceInfo(vm.id(), vm.state(), version, "jvmm").json());
            }
            case "/machine-config" -> {
                switch (allow(method, "GET", "PUT", "PATCH")) {
                    case "GET" -> {
                        return ok(vm.machineConfig().json());
                    }
                    default -> {
                        vm.setMachineConfig(parse(body, MachineConfig::read), method.equals("PATCH"));
                        return noContent();
                    }
                }
            }
            case "/boot-source" -> {
                allow(method, "PUT");
                vm.putBootSource(parse(body, BootSource::read));
                return noContent();
            }
            case "/balloon" -> {
                return balloon(allow(method, "GET", "PUT", "PATCH"), body);
            }
            case "/balloon/statistics" -> {
                return balloonStatistics(allow(method, "GET", "PATCH"), body);
            }
            case "/vm" -> {
                allow(method, "PATCH");
                VmState s = parse(body, VmState::read);
                VmControl c = vm.running("PATCH /vm");
                switch (String.valueOf(s.state())) {
                    case "Paused" -> c.pause();
                    case "Resumed" -> c.resume();
                    default -> throw new ApiException(400, "invalid state '%s': Paused or Resumed".formatted(s.state()));
                }
                return noContent();
            }
            case "/actions" -> {
                allow(method, "PUT");
                Action a = parse(body, Action::read);
                switch (String.valueOf(a.actionType())) {
                    case "InstanceStart" -> vm.start();
                    case "FlushMetrics" -> { } // no metrics sink: nothing to flush
                    case "SendCtrlAltDel" -> vm.running("SendCtrlAltDel").sendCtrlAltDel();
                    default -> throw new ApiException(400, "invalid action_type '%s': InstanceStart, SendCtrlAltDel or FlushMetrics"
                            .formatted(a.actionType()));
                }
                return noContent();
            }
            default -> { }
        }
        if ((m = DRIVE.matcher(path)).matches()) {
            allow(method, "PUT");
            vm.putDrive(m.group(1), parse(body, Drive::read));
            return noContent();
        }
        if ((m = NET.matcher(path)).matches()) {
            allow(method, "PUT");
            vm.putNetwork(m.group(1), parse(body, NetworkInterface::read));
            return noContent();
        }
        throw new ApiException(404, "no such resource: " + path);
    }

    private Reply balloon(String method, String body) throws InterruptedException {
        switch (method) {
            case "PUT" -> {
                vm.putBalloon(parse(body, Balloon::read));
                return noContent();
            }
            case "PATCH" -> {
                BalloonUpdate u = parse(body, BalloonUpdate::read);
                if (u.amountMib() == null || u.amountMib() < 0) {
                    throw new ApiException(400, "balloon update: amount_mib must be 0 or more MiB");
                }
                VmControl.BalloonControl b = runningBalloon("PATCH /balloon");
                long mem = vm.machineConfig().memSizeMib();
                if (u.amountMib() > mem) {
                    throw new ApiException(400, "balloon update: amount_mib %d is more than the guest's %d MiB".formatted(u.amountMib(), mem));
                }
                b.setTargetBytes(u.amountMib() * MIB);
                return noContent();
            }
            default -> {
                if (vm.state().equals(ApiVm.NOT_STARTED)) {
                    return ok(vm.balloonConfig().orElseThrow(() -> new ApiException(400, "no balloon is configured")).json());
                }
                VmControl.BalloonControl b = runningBalloon("GET /balloon");
                return ok(new Balloon(b.targetBytes() / MIB, b.deflateOnOom(), b.statsIntervalSeconds(),
                        b.freePageReporting(), null).json());
            }
        }
    }

    private Reply balloonStatistics(String method, String body) {
        VmControl.BalloonControl b = runningBalloon(method + " /balloon/statistics");
        if (method.equals("PATCH")) {
            BalloonStatsUpdate u = parse(body, BalloonStatsUpdate::read);
            if (u.statsPollingIntervalS() == null || u.statsPollingIntervalS() < 0) {
                throw new ApiException(400, "stats_polling_interval_s must be 0 or more seconds");
            }
            if (b.statsIntervalSeconds() == 0 || u.statsPollingIntervalS() == 0) {
                throw new ApiException(400, "statistics can't be turned on or off after boot (the device offers its queue at boot)");
            }
            b.setStatsIntervalSeconds(u.statsPollingIntervalS());
            return noContent();
        }
        if (b.statsIntervalSeconds() == 0) {
            throw new ApiException(400, "balloon statistics are off: set stats_polling_interval_s before boot");
        }
        Map<String, Long> s = b.statistics();
        long target = b.targetBytes();
        long actual = b.actualBytes();
        return ok(new BalloonStatistics(target / PAGE, actual / PAGE, target / MIB, actual / MIB,
                s.get("swap_in"), s.get("swap_out"), s.get("major_faults"), s.get("minor_faults"), s.get("free_memory"),
                s.get("total_memory"), s.get("available_memory"), s.get("disk_caches"), s.get("hugetlb_allocations"),
                s.get("hugetlb_failures")).json());
    }

    private VmControl.BalloonControl runningBalloon(String what) {
        return vm.running(what).balloon().orElseThrow(() -> new ApiException(400, "this VM has no balloon device"));
    }

    private static String allow(String method, String... methods) {
        for (String m : methods) {
            if (m.equals(method)) {
                return m;
            }
        }
        throw new ApiException(405, "method %s is not allowed here: %s".formatted(method, String.join(", ", methods)));
    }

    private static <T> T parse(String body, Function<Json.Fields, T> reader) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "the request needs a JSON body");
        }
        Object value;
        try {
            value = Json.parse(body);
        } catch (Json.MalformedException e) {
            throw new ApiException(400, "malformed JSON: " + e.getMessage());
        }
        return reader.apply(Json.Fields.of(value, ""));
    }

    private static Reply ok(String json) {
        return new Reply(200, json);
    }

    private static Reply noContent() {
        return new Reply(204, "");
    }

    /** An error answer: {@code status} and Firecracker's fault body. */
    static Reply fault(int status, String message) {
        return new Reply(status, new Fault(message).json());
    }
}
