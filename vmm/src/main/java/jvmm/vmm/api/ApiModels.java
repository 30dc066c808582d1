package jvmm.vmm.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The JSON bodies of the control API, named and shaped as Firecracker's API defines them
 * (snake_case fields), so clients written for Firecracker work. Optional Firecracker fields that
 * jvmm does not implement are accepted when absent or null and refused otherwise, by name.
 */
public final class ApiModels {

    private ApiModels() {
    }

    /** GET /: what and where this VMM is. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InstanceInfo(String id, String state, @JsonProperty("vmm_version") String vmmVersion,
                               @JsonProperty("app_name") String appName) {
    }

    /** PUT /boot-source. */
    public record BootSource(@JsonProperty("kernel_image_path") String kernelImagePath,
                             @JsonProperty("boot_args") String bootArgs,
                             @JsonProperty("initrd_path") String initrdPath) {
    }

    /** GET, PUT and PATCH /machine-config. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MachineConfig(@JsonProperty("vcpu_count") Integer vcpuCount,
                                @JsonProperty("mem_size_mib") Long memSizeMib,
                                Boolean smt,
                                @JsonProperty("track_dirty_pages") Boolean trackDirtyPages,
                                @JsonProperty("cpu_template") JsonNode cpuTemplate,
                                @JsonProperty("huge_pages") String hugePages) {
    }

    /** PUT /drives/{drive_id}. */
    public record Drive(@JsonProperty("drive_id") String driveId,
                        @JsonProperty("path_on_host") String pathOnHost,
                        @JsonProperty("is_root_device") Boolean isRootDevice,
                        @JsonProperty("is_read_only") Boolean isReadOnly,
                        String partuuid,
                        @JsonProperty("cache_type") String cacheType,
                        @JsonProperty("io_engine") String ioEngine,
                        @JsonProperty("rate_limiter") JsonNode rateLimiter,
                        JsonNode socket) {
    }

    /** PUT /network-interfaces/{iface_id}. */
    public record NetworkInterface(@JsonProperty("iface_id") String ifaceId,
                                   @JsonProperty("host_dev_name") String hostDevName,
                                   @JsonProperty("guest_mac") String guestMac,
                                   @JsonProperty("rx_rate_limiter") JsonNode rxRateLimiter,
                                   @JsonProperty("tx_rate_limiter") JsonNode txRateLimiter) {
    }

    /** PUT and GET /balloon. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Balloon(@JsonProperty("amount_mib") Long amountMib,
                          @JsonProperty("deflate_on_oom") Boolean deflateOnOom,
                          @JsonProperty("stats_polling_interval_s") Integer statsPollingIntervalS,
                          @JsonProperty("free_page_reporting") Boolean freePageReporting,
                          @JsonProperty("free_page_hinting") Boolean freePageHinting) {
    }

    /** PATCH /balloon. */
    public record BalloonUpdate(@JsonProperty("amount_mib") Long amountMib) {
    }

    /** PATCH /balloon/statistics. */
    public record BalloonStatsUpdate(@JsonProperty("stats_polling_interval_s") Integer statsPollingIntervalS) {
    }

    /** GET /balloon/statistics: the targets and the guest's last report (fields it reported). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BalloonStatistics(@JsonProperty("target_pages") long targetPages,
                                    @JsonProperty("actual_pages") long actualPages,
                                    @JsonProperty("target_mib") long targetMib,
                                    @JsonProperty("actual_mib") long actualMib,
                                    @JsonProperty("swap_in") Long swapIn,
                                    @JsonProperty("swap_out") Long swapOut,
                                    @JsonProperty("major_faults") Long majorFaults,
                                    @JsonProperty("minor_faults") Long minorFaults,
                                    @JsonProperty("free_memory") Long freeMemory,
                                    @JsonProperty("total_memory") Long totalMemory,
                                    @JsonProperty("available_memory") Long availableMemory,
                                    @JsonProperty("disk_caches") Long diskCaches,
                                    @JsonProperty("hugetlb_allocations") Long hugetlbAllocations,
                                    @JsonProperty("hugetlb_failures") Long hugetlbFailures) {
    }

    /** PATCH /vm. */
    public record VmState(String state) {
    }

    /** PUT /actions. */
    public record Action(@JsonProperty("action_type") String actionType) {
    }

    /** The error body of every 4xx and 5xx answer. */
    public record Fault(@JsonProperty("fault_message") String faultMessage) {
    }

    /** A file for --config: Firecracker's --config-file schema. */
    public record ConfigFile(@JsonProperty("boot-source") BootSource bootSource,
                             @JsonProperty("machine-config") MachineConfig machineConfig,
                             List<Drive> drives,
                             @JsonProperty("network-interfaces") List<NetworkInterface> networkInterfaces,
                             Balloon balloon,
                             JsonNode logger,
                             JsonNode metrics,
                             @JsonProperty("mmds-config") JsonNode mmdsConfig,
                             JsonNode vsock,
                             JsonNode entropy) {
    }

    /** Refuses Firecracker fields jvmm accepts only absent or null, given as name, value pairs. */
    static void refuseUnsupported(String what, Object... nameValuePairs) {
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            Object v = nameValuePairs[i + 1];
            if (v != null && !(v instanceof JsonNode n && n.isNull())) {
                throw new ApiException(400, "%s: '%s' is not supported by jvmm".formatted(what, nameValuePairs[i]));
            }
        }
    }
}
