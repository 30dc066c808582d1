package jvmm.vmm.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The training run behind tools/vmm's JVM AOT cache: several {@code vmm} command lines in one JVM,
 * since JDK 25 makes the cache from what one training process loaded and linked. tools/vmm gives
 * it a check of the default guest (command line, kernel and initrd loading, ACPI tables) and,
 * where the host's KVM runs tiny guests, a run of the floor guest with a disk and a balloon (KVM,
 * vCPUs, the event loop, virtio-mmio devices), so a VM start finds those classes in the cache
 * instead of loading, verifying and linking them from the jars.
 *
 * <p>Arguments: the command lines, separated by {@value #SEPARATOR} words. Their exit codes are
 * not checked: a command that can't run here has loaded what it reached, which is all a training
 * run is for.
 */
public final class AotTraining {

    static final String SEPARATOR = ";";

    private AotTraining() {
    }

    public static void main(String[] args) {
        for (List<String> line : commandLines(args)) {
            Main.execute(line.toArray(String[]::new));
        }
        System.exit(0);
    }

    /** {@code args} split at each {@value #SEPARATOR}, empty command lines left out. */
    static List<List<String>> commandLines(String... args) {
        List<List<String>> lines = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String a : args) {
            if (a.equals(SEPARATOR)) {
                if (!current.isEmpty()) {
                    lines.add(current);
                }
                current = new ArrayList<>();
            } else {
                current.add(a);
            }
        }
        if (!current.isEmpty()) {
            lines.add(current);
        }
        return lines;
    }
}
