package jvmm.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jvmm.junit.GuestSpec;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Boots the minimal kernel (guest-images/build-minimal-kernel: no ACPI, every virtio driver
 * built in, virtio-mmio devices from {@code virtio_mmio.device=}) with the default guest's
 * initramfs. Without ACPI the guest learns its CPUs and interrupt routing only from our MP
 * table, and its devices only from the command line. The first run builds the kernel from
 * Debian's linux-source (minutes); it never skips.
 */
class MinimalKernelBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @RegisterExtension
    static final JvmmExtension JVMM = new JvmmExtension();

    private static Path kernel;
    private static Path initrd;

    @BeforeAll
    static void buildTheMinimalKernel() {
        kernel = JVMM.home().minimalGuestFile("KERNEL");
        initrd = JVMM.home().minimalGuestFile("INITRD");
    }

    @Test
    void twoVcpusFromTheMpTableAndEachCommandLineVirtioDeviceOnce() throws Exception {
        String cmd = String.join("; ",
                "echo processors=$(grep -c ^processor /proc/cpuinfo)",
                "echo virtio-devices=$(ls /sys/bus/virtio/devices | wc -l)",
                "if [ -d /sys/firmware/acpi ]; then echo acpi=yes; else echo acpi=no; fi",
                "echo vda-sectors=$(cat /sys/block/vda/size)",
                "dd if=/dev/vda of=/dev/null bs=4096 count=16 2>/dev/null && echo vda-read-ok",
                "grep -E 'virtio|ttyS' /proc/interrupts | sed 's/^/irq: /'",
                "echo");
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().kernel(kernel).initrd(initrd).cpus(2)
                .scratchDisk(8L << 20).vmmArgs("--balloon")
                .appendCmdline(BootTests.runsCommand(cmd)));

        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console())
                .contains("jvmm-guest: ready cpus=2 ")
                .contains("virtio=vda,balloon")
                .contains("processors=2")
                .contains("virtio-devices=2")
                .contains("acpi=no")
                .contains("vda-sectors=16384")
                .contains("vda-read-ok")
                .contains("jvmm-guest: exit=0");
        // Both virtio devices sit on the IOAPIC pins the MP table routes, Linux numbering them
        // IRQ = GSI (5, 6); the disk (GSI 5) interrupted for the reads. The balloon has no reason to.
        Matcher irqs = Pattern.compile("(?m)^irq: +(\\d+):\\s+(\\d+)\\s+(\\d+)\\s+IO-APIC\\s+\\d+-edge\\s+virtio")
                .matcher(vm.console());
        Map<Integer, Long> counts = new TreeMap<>();
        while (irqs.find()) {
            counts.put(Integer.parseInt(irqs.group(1)), Long.parseLong(irqs.group(2)) + Long.parseLong(irqs.group(3)));
        }
        assertThat(counts).as(vm.console()).containsOnlyKeys(5, 6);
        assertThat(counts.get(5)).as(vm.console()).isPositive();
    }
}
