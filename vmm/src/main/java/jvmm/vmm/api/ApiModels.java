package jvmm.vmm.api;

import java.util.List;
import jvmm.vmm.api.Json.Fields;

/**
 * The JSON bodies of the control API, named and shaped as Firecracker's API defines them
 * (snake_case fields), so clients written for Firecracker work. Optional Firecracker fields that
 * jvmm does not implement are accepted when absent or null and refused otherwise, by name.
 */
public final class ApiModels {

    private ApiModels() {
    }

    /** GET /: what and where this VMM is. */
    public record InstanceInfo(String id, String state, String vmmVersion, String appName) {
        String json() {
            return new Json.ObjectWriter().field("id", id).field("state", state).field("vmm_version", vmmVersion)
                    .field("app_name", appName).end();
        }
    }

    /** PUT /boot-source. */
    public record BootSource(String kernelImagePath, String bootArgs, String initrdPath) {
        static BootSource read(Fields f) {
            return f.done(new BootSource(f.string("kernel_image_path"), f.string("boot_args"), f.string("initrd_path")));
        }
    }

    /** GET, PUT and PATCH /machine-config. {@code cpuTemplate}: any JSON value, refused unless null. */
    public record MachineConfig(Integer vcpuCount, Long memSizeMib, Boolean smt, Boolean trackDirtyPages,
                                Object cpuTemplate, String hugePages) {
        static MachineConfig read(Fields f) {
            return f.done(new MachineConfig(f.integer("vcpu_count"), f.whole("mem_size_mib"), f.bool("smt"),
                    f.bool("track_dirty_pages"), f.any("cpu_template"), f.string("huge_pages")));
        }

        /** The answer to GET; {@code cpuTemplate} is never set in a config jvmm holds. */
        String json() {
            return new Json.ObjectWriter().field("vcpu_count", vcpuCount).field("mem_size_mib", memSizeMib)
                    .field("smt", smt).field("track_dirty_pages", trackDirtyPages).field("huge_pages", hugePages).end();
        }
    }

    /** PUT /drives/{drive_id}. {@code rateLimiter}, {@code socket}: any JSON value, refused unless null. */
    public record Drive(String driveId, String pathOnHost, Boolean isRootDevice, Boolean isReadOnly, String partuuid,
                        String cacheType, String ioEngine, Object rateLimiter, Object socket) {
        static Drive read(Fields f) {
            return f.done(new Drive(f.string("drive_id"), f.string("path_on_host"), f.bool("is_root_device"),
                    f.bool("is_read_only"), f.string("partuuid"), f.string("cache_type"), f.string("io_engine"),
                    f.any("rate_limiter"), f.any("socket")));
        }
    }

    /** PUT /network-interfaces/{iface_id}. The rate limiters: any JSON value, refused unless null. */
    public record NetworkInterface(String ifaceId, String hostDevName, String guestMac, Object rxRateLimiter,
                                   Object txRateLimiter) {
        static NetworkInterface read(Fields f) {
            return f.done(new NetworkInterface(f.string("iface_id"), f.string("host_dev_name"), f.string("guest_mac"),
                    f.any("rx_rate_limiter"), f.any("tx_rate_limiter")));
        }
    }

    /** PUT and GET /balloon. */
    public record Balloon(Long amountMib, Boolean deflateOnOom, Integer statsPollingIntervalS, Boolean freePageReporting,
                          Boolean freePageHinting) {
        static Balloon read(Fields f) {
            return f.done(new Balloon(f.whole("amount_mib"), f.bool("deflate_on_oom"), f.integer("stats_polling_interval_s"),
                    f.bool("free_page_reporting"), f.bool("free_page_hinting")));
        }

        String json() {
            return new Json.ObjectWriter().field("amount_mib", amountMib).field("deflate_on_oom", deflateOnOom)
                    .field("stats_polling_interval_s", statsPollingIntervalS).field("free_page_reporting", freePageReporting)
                    .field("free_page_hinting", freePageHinting).end();
        }
    }

    /** PATCH /balloon. */
    public record BalloonUpdate(Long amountMib) {
        static BalloonUpdate read(Fields f) {
            return f.done(new BalloonUpdate(f.whole("amount_mib")));
        }
    }

    /** PATCH /balloon/statistics. */
    public record BalloonStatsUpdate(Integer statsPollingIntervalS) {
        static BalloonStatsUpdate read(Fields f) {
            return f.done(new BalloonStatsUpdate(f.integer("stats_polling_interval_s")));
        }
    }

    /** GET /balloon/statistics: the targets and the guest's last report (fields it reported). */
    public record BalloonStatistics(long targetPages, long actualPages, long targetMib, long actualMib, Long swapIn,
                                    Long swapOut, Long majorFaults, Long minorFaults, Long freeMemory, Long totalMemory,
                                    Long availableMemory, Long diskCaches, Long hugetlbAllocations, Long hugetlbFailures) {
        String json() {
            return new Json.ObjectWriter().field("target_pages", targetPages).field("actual_pages", actualPages)
                    .field("target_mib", targetMib).field("actual_mib", actualMib).field("swap_in", swapIn)
                    .field("swap_out", swapOut).field("major_faults", majorFaults).field("minor_faults", minorFaults)
                    .field("free_memory", freeMemory).field("total_memory", totalMemory)
                    .field("available_memory", availableMemory).field("disk_caches", diskCaches)
                    .field("hugetlb_allocations", hugetlbAllocations).field("hugetlb_failures", hugetlbFailures).end();
        }
    }

    /** PATCH /vm. */
    public record VmState(String state) {
        static VmState read(Fields f) {
            return f.done(new VmState(f.string("state")));
        }
    }

    /** PUT /actions. */
    public record Action(String actionType) {
        static Action read(Fields f) {
            return f.done(new Action(f.string("action_type")));
        }
    }

    /** The error body of every 4xx and 5xx answer. */
    public record Fault(String faultMessage) {
        String json() {
            return new Json.ObjectWriter().field("fault_message", faultMessage).end();
        }
    }

    /** A file for --config: Firecracker's --config-file schema. The last five: any JSON value, refused unless null. */
    public record ConfigFile(BootSource bootSource, MachineConfig machineConfig, List<Drive> drives,
                             List<NetworkInterface> networkInterfaces, Balloon balloon, Object logger, Object metrics,
                             Object mmdsConfig, Object vsock, Object entropy) {
        static ConfigFile read(Fields f) {
            Fields boot = f.object("boot-source");
            Fields machine = f.object("machine-config");
            Fields balloon = f.object("balloon");
            List<Fields> drives = f.objects("drives");
            List<Fields> nets = f.objects("network-interfaces");
            return f.done(new ConfigFile(boot == null ? null : BootSource.read(boot),
                    machine == null ? null : MachineConfig.read(machine),
                    drives == null ? null : drives.stream().map(Drive::read).toList(),
                    nets == null ? null : nets.stream().map(NetworkInterface::read).toList(),
                    balloon == null ? null : Balloon.read(balloon),
                    f.any("logger"), f.any("metrics"), f.any("mmds-config"), f.any("vsock"), f.any("entropy")));
        }
    }

    /** Refuses Firecracker fields jvmm accepts only absent or null, given as name, value pairs. */
    static void refuseUnsupported(String what, Object... nameValuePairs) {
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            Object v = nameValuePairs[i + 1];
            if (v != null) {
                throw new ApiException(400, "%s: '%s' is not supported by jvmm".formatted(what, nameValuePairs[i]));
            }
        }
    }
}
