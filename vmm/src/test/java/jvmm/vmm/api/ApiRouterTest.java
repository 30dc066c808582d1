package jvmm.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's routing, validation and pre-boot flow without a socket or a VM: the booting side is
 * played by the test (it takes the StartRequest and attaches a VmControl of its own).
 */
class ApiRouterTest {

    @TempDir
    Path dir;

    private final ApiVm vm = new ApiVm("test-vm");
    private final ApiRouter api = new ApiRouter(vm, "1.2.3");

    /** A VM's runtime side that records what the API asked of it. */
    private static final class RecordingVm implements VmControl, VmControl.BalloonControl {
        boolean paused;
        long target;
        int interval = 1;
        int ctrlAltDel;

        @Override
        public void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            paused = false;
        }

        @Override
        public boolean paused() {
            return paused;
        }

        @Override
        public void sendCtrlAltDel() {
            ctrlAltDel++;
        }

        @Override
        public Optional<BalloonControl> balloon() {
            return Optional.of(this);
        }

        @Override
        public void setTargetBytes(long bytes) {
            target = bytes;
        }

        @Override
        public long targetBytes() {
            return target;
        }

        @Override
        public long actualBytes() {
            return target / 2;
        }

        @Override
        public boolean deflateOnOom() {
            return true;
        }

        @Override
        public boolean freePageReporting() {
            return false;
        }

        @Override
        public int statsIntervalSeconds() {
            return interval;
        }

        @Override
        public void setStatsIntervalSeconds(int seconds) {
            interval = seconds;
        }

        @Override
        public Map<String, Long> statistics() {
            return Map.of("free_memory", 123L << 20, "total_memory", 1L << 30);
        }
    }

    private ApiRouter.Reply call(String method, String path, String body) {
        return api.handle(method, path, body);
    }

    @Test
    void instanceInfoBeforeStart() {
        var r = call("GET", "/", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo("{\"id\":\"test-vm\",\"state\":\"Not started\",\"vmm_version\":\"1.2.3\",\"app_name\":\"jvmm\"}");
    }

    @Test
    void badRequestsGetFirecrackersStatusesAndAFaultMessage() {
        assertThat(call("GET", "/nope", "")).isEqualTo(new ApiRouter.Reply(404, "{\"fault_message\":\"no such resource: /nope\"}"));
        assertThat(call("DELETE", "/", "").status()).isEqualTo(405);
        var malformed = call("PUT", "/machine-config", "{\"vcpu_count\": 2,");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json()).startsWith("{\"fault_message\":\"malformed JSON");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"vcpus\": 3}").json())
                .contains("unknown field 'vcpus'");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": \"two\", \"mem_size_mib\": 256}"))
                .isEqualTo(new ApiRouter.Reply(400, "{\"fault_message\":\"'vcpu_count' must be a whole number, not a string\"}"));
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 2.5, \"mem_size_mib\": 256}").json())
                .contains("'vcpu_count' must be a whole number, not the number 2.5");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 4294967297, \"mem_size_mib\": 256}").json())
                .contains("'vcpu_count' must be from -2147483648 to 2147483647, not 4294967297");
        assertThat(call("PUT", "/machine-config", "[1, 2]").json()).contains("the body must be a JSON object, not an array");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 1, \"vcpu_count\": 2}").json())
                .contains("malformed JSON: duplicate field 'vcpu_count' (line 1, column 19)");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 2} {}").json())
                .contains("malformed JSON: more after the JSON value (line 1, column 19)");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 0, \"mem_size_mib\": 256}").json()).contains("vcpu_count 0");
        assertThat(call("PUT", "/machine-config", "").json()).contains("needs a JSON body");
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 64, \"smt\": true}").json())
                .contains("smt=true");
        assertThat(call("PUT", "/drives/d1", "{\"drive_id\": \"d2\", \"path_on_host\": \"/x\", \"is_root_device\": false}").json())
                .contains("does not match");
        assertThat(call("PUT", "/drives/d1", "{\"drive_id\": \"d1\", \"path_on_host\": \"/x\", \"is_root_device\": false, "
                + "\"rate_limiter\": {\"bandwidth\": {\"size\": 1, \"refill_time\": 1}}}").json()).contains("'rate_limiter' is not supported");
        assertThat(call("PATCH", "/vm", "{\"state\": \"Paused\"}").json()).contains("needs a running VM");
        assertThat(call("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}").json()).contains("no boot source");
        assertThat(call("PUT", "/actions", "{\"action_type\": \"Reboot\"}").json()).contains("invalid action_type 'Reboot'");
        assertThat(vm.state()).isEqualTo(ApiVm.NOT_STARTED);
    }

    @Test
    void preBootConfigurationBecomesTheVmConfigAndRuntimeCallsReachTheVm() throws Exception {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[] {1});
        Path root = Files.write(dir.resolve("root.ext4"), new byte[512]);
        Path data = Files.write(dir.resolve("data.img"), new byte[512]);
        assertThat(call("PUT", "/boot-source", "{\"kernel_image_path\": \"%s\", \"boot_args\": \"console=ttyS0 quiet\"}"
                .formatted(kernel)).status()).isEqualTo(204);
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}").status()).isEqualTo(204);
        assertThat(call("PATCH", "/machine-config", "{\"mem_size_mib\": 512}").status()).isEqualTo(204);
        assertThat(call("GET", "/machine-config", "").json())
                .isEqualTo("{\"vcpu_count\":2,\"mem_size_mib\":512,\"smt\":false,\"track_dirty_pages\":false}");
        assertThat(call("PUT", "/drives/data", "{\"drive_id\": \"data\", \"path_on_host\": \"%s\", \"is_root_device\": false}"
                .formatted(data)).status()).isEqualTo(204);
        assertThat(call("PUT", "/drives/rootfs", "{\"drive_id\": \"rootfs\", \"path_on_host\": \"%s\", \"is_root_device\": true, \"is_read_only\": true}"
                .formatted(root)).status()).isEqualTo(204);
        assertThat(call("PUT", "/balloon", "{\"amount_mib\": 64, \"deflate_on_oom\": true, \"stats_polling_interval_s\": 1}")
                .status()).isEqualTo(204);
        assertThat(call("GET", "/balloon", "").json()).contains("\"amount_mib\":64");

        RecordingVm running = new RecordingVm();
        var booter = CompletableFuture.supplyAsync(() -> {
            try {
                ApiVm.StartRequest start = vm.awaitStart();
                vm.attach(running, start.config());
                start.started();
                return start.config();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(call("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}").status()).isEqualTo(204);
        VmConfig config = booter.get();
        assertThat(config.kernel()).contains(kernel);
        assertThat(config.cmdline()).isEqualTo("console=ttyS0 quiet root=/dev/vda ro");
        assertThat(config.disks()).extracting(d -> d.path().getFileName().toString()).containsExactly("root.ext4", "data.img");
        assertThat(config.disks().getFirst().readOnly()).isTrue();
        assertThat(config.cpus()).isEqualTo(2);
        assertThat(config.memoryBytes()).isEqualTo(512L << 20);
        assertThat(config.balloon()).get().satisfies(b -> assertThat(b.amountBytes()).isEqualTo(64L << 20));

        assertThat(call("GET", "/", "").json()).contains("\"state\":\"Running\"");
        assertThat(call("PUT", "/boot-source", "{\"kernel_image_path\": \"/k\"}").json()).contains("only allowed before");
        assertThat(call("PATCH", "/vm", "{\"state\": \"Paused\"}").status()).isEqualTo(204);
        assertThat(call("GET", "/", "").json()).contains("\"state\":\"Paused\"");
        assertThat(call("PATCH", "/vm", "{\"state\": \"Resumed\"}").status()).isEqualTo(204);
        assertThat(running.paused).isFalse();
        assertThat(call("PATCH", "/vm", "{\"state\": \"Sleeping\"}").status()).isEqualTo(400);
        assertThat(call("PATCH", "/balloon", "{\"amount_mib\": 128}").status()).isEqualTo(204);
        assertThat(running.target).isEqualTo(128L << 20);
        assertThat(call("PATCH", "/balloon", "{\"amount_mib\": 4096}").json()).contains("more than the guest's 512 MiB");
        assertThat(call("GET", "/balloon/statistics", "").json()).contains("\"target_mib\":128", "\"actual_mib\":64",
                "\"target_pages\":32768", "\"free_memory\":128974848", "\"total_memory\":1073741824");
        assertThat(call("PATCH", "/balloon/statistics", "{\"stats_polling_interval_s\": 5}").status()).isEqualTo(204);
        assertThat(running.interval).isEqualTo(5);
        assertThat(call("PUT", "/actions", "{\"action_type\": \"SendCtrlAltDel\"}").status()).isEqualTo(204);
        assertThat(running.ctrlAltDel).isEqualTo(1);
    }

    @Test
    void aStartTheVmRefusesLeavesTheConfigurationOpen() throws Exception {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[] {1});
        call("PUT", "/boot-source", "{\"kernel_image_path\": \"%s\"}".formatted(kernel));
        var booter = CompletableFuture.runAsync(() -> {
            try {
                vm.awaitStart().failed(new IllegalArgumentException("not a kernel"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        var r = call("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
        booter.get();
        assertThat(r).isEqualTo(new ApiRouter.Reply(400, "{\"fault_message\":\"the instance did not start: not a kernel\"}"));
        assertThat(vm.state()).isEqualTo(ApiVm.NOT_STARTED);
        assertThat(call("PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").status()).isEqualTo(204);
    }
}
