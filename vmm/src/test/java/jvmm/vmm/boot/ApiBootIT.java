package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jvmm.junit.GuestSpec;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import jvmm.junit.JvmmHome;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control API end to end against a booted default guest: Firecracker's pre-boot flow over
 * the socket (configure, then InstanceStart), then runtime control (pause, resume, balloon,
 * statistics), malformed requests, Ctrl-Alt-Del (the guest restarts through the i8042, which
 * ends the VM with 0), and a --config file. The client is curl with --unix-socket,
 * run where the VMM runs: a Unix socket does not cross into the KVM sandbox's kernel, so there the
 * whole script runs inside it.
 */
class ApiBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(12);

    @RegisterExtension
    static final JvmmExtension JVMM = new JvmmExtension();

    @TempDir
    Path dir;

    @Test
    void preBootConfigurationThenRuntimeControlOverTheSocket() throws Exception {
        JvmmHome home = JVMM.home();
        String bootArgs = VmConfig.DEFAULT_CMDLINE + " "
                + BootTests.runsCommand("echo guest-up; sleep 1; echo guest-still-up; sleep 3600");
        String script = String.join("\n",
                "set -u",
                "sock=$(mktemp -u /run/jvmm-api-test.XXXXXX.sock)",
                "api() { out=$(curl -sS --max-time 60 --unix-socket \"$sock\" -X \"$1\" "
                        + "-H 'Content-Type: application/json' ${3:+--data \"$3\"} -w ' HTTP %{http_code}' \"http://localhost$2\")",
                "        echo \"API $1 $2 -> ${out# }\"; }",
                "'" + home.launcher() + "' run --api-socket \"$sock\" >console.out 2>vmm.err &",
                "vmm=$!",
                "i=0; while [ ! -S \"$sock\" ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i+1)); done",
                "api GET /",
                "api PATCH /vm '{\"state\": \"Paused\"}'",
                "api PUT /boot-source '{\"kernel_image_path\": \"" + home.defaultGuestFile("KERNEL")
                        + "\", \"initrd_path\": \"" + home.defaultGuestFile("INITRD") + "\", \"boot_args\": \"" + bootArgs + "\"}'",
                "api PUT /machine-config '{\"vcpu_count\": 2, \"mem_size_mib\": 1024}'",
                "api PUT /balloon '{\"amount_mib\": 0, \"deflate_on_oom\": false, \"stats_polling_interval_s\": 1}'",
                "api PUT /machine-config '{\"vcpu_count\": 2,'",
                "api GET /no/such/thing",
                "api PUT /actions '{\"action_type\": \"InstanceStart\"}'",
                "api GET /",
                "i=0; while ! grep -q guest-up console.out && [ $i -lt 600 ]; do sleep 0.5; i=$((i+1)); done",
                "api PATCH /vm '{\"state\": \"Paused\"}'",
                "api GET /",
                "api PATCH /vm '{\"state\": \"Resumed\"}'",
                "api PATCH /balloon '{\"amount_mib\": 256}'",
                "i=0; while ! api GET /balloon/statistics | grep -q '\"actual_mib\":256' && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done",
                "api GET /balloon/statistics",
                "api GET /balloon",
                "api PUT /boot-source '{\"kernel_image_path\": \"/k\"}'",
                "api PUT /actions '{\"action_type\": \"SendCtrlAltDel\"}'",
                "(sleep 300; kill -9 $vmm) 2>/dev/null & watchdog=$!",
                "wait $vmm; echo \"vmm exit=$?\"; kill $watchdog 2>/dev/null",
                "sed 's/^/console: /' console.out; sed 's/^/vmm: /' vmm.err",
                "[ -e \"$sock\" ] && echo socket-left-behind || echo socket-removed");
        List<String> cmd = new ArrayList<>();
        if (home.placement().equals("sandbox")) {
            cmd.addAll(List.of(home.root().resolve("tools/kvm-sandbox").toString(), "run", "--memory", "4G", "--"));
        }
        cmd.addAll(List.of("sh", "-c", "cd '" + dir + "' && " + script));
        HostProcess.Result r = HostProcess.run(TIMEOUT, cmd);
        String out = r.stdout();

        assertThat(out).as(r.toString())
                .contains("API GET / -> {\"id\":\"anonymous-instance\",\"state\":\"Not started\"")
                .contains("API PATCH /vm -> {\"fault_message\":\"PATCH /vm needs a running VM: the instance has not been started\"} HTTP 400")
                .contains("API PUT /boot-source -> HTTP 204")
                .contains("API PUT /machine-config -> HTTP 204")
                .contains("API PUT /balloon -> HTTP 204")
                .containsPattern("API PUT /machine-config -> \\{\"fault_message\":\"malformed JSON[^\\n]*HTTP 400")
                .contains("API GET /no/such/thing -> {\"fault_message\":\"no such resource: /no/such/thing\"} HTTP 404")
                .contains("API PUT /actions -> HTTP 204")
                .contains("\"state\":\"Running\"")
                .contains("API PATCH /vm -> HTTP 204")
                .contains("\"state\":\"Paused\"")
                .containsPattern("API GET /balloon/statistics -> \\{\"target_pages\":65536,\"actual_pages\":65536,"
                        + "\"target_mib\":256,\"actual_mib\":256,[^\\n]*\"free_memory\":\\d+[^\\n]*HTTP 200")
                .contains("API GET /balloon -> {\"amount_mib\":256,\"deflate_on_oom\":false,\"stats_polling_interval_s\":1")
                .contains("only allowed before the instance starts")
                .contains("console: jvmm-guest: ready cpus=2", "console: guest-still-up")
                .contains("API PUT /actions -> HTTP 204\nAPI") // InstanceStart, then more requests
                .containsPattern("API PUT /actions -> HTTP 204\\nvmm exit=0") // SendCtrlAltDel: the guest restarts, the VM ends
                .contains("the guest reset the CPU through the i8042")
                .contains("socket-removed");
    }

    @Test
    void aFirecrackerConfigFileBootsTheSameVmAsTheFlags() throws Exception {
        Path data = Files.write(dir.resolve("data.img"), new byte[1 << 20]);
        Path config = Files.writeString(dir.resolve("vm.json"), """
                {
                  "boot-source": {"kernel_image_path": "%s", "initrd_path": "%s", "boot_args": "%s"},
                  "machine-config": {"vcpu_count": 2, "mem_size_mib": 384},
                  "drives": [{"drive_id": "data0", "path_on_host": "%s", "is_root_device": false, "is_read_only": true}]
                }
                """.formatted(JVMM.home().defaultGuestFile("KERNEL"), JVMM.home().defaultGuestFile("INITRD"),
                VmConfig.DEFAULT_CMDLINE + " " + BootTests.runsCommand(
                        "cat /sys/block/vda/serial; echo; cat /sys/block/vda/ro; grep MemTotal /proc/meminfo"), data));
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().vmmArgs("--config", config.toString()));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console()).contains("ready cpus=2", "virtio=vda", "data0").containsPattern("(?m)^1\\r?$")
                .containsPattern("MemTotal: +3[0-9]{5} kB");
    }
}
