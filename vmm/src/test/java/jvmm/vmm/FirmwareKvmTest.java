package jvmm.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.Kvm;
import jvmm.kvm.KvmCap;
import jvmm.vmm.config.DebugExitConfig;
import jvmm.vmm.config.VmConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --firmware and --debug-exit on KVM: the floor guest (guest-images/tiny/firmware.S) starts at the
 * reset vector in real mode, prints its line and ends the VM through isa-debug-exit with QEMU's
 * status; a hand-made image checks the low alias below 1 MiB and that the firmware is read-only.
 */
@Tag("kvm")
class FirmwareKvmTest {

    private static Path floorGuest() throws Exception {
        return TinyGuests.build("--firmware");
    }

    @ParameterizedTest(name = "{0} vCPU(s)")
    @ValueSource(ints = {1, 2})
    void floorGuestPrintsItsLineAndExitsWithStatus1(int cpus) throws Exception {
        var config = VmConfig.firmware(floorGuest(), 32L << 20, cpus, Optional.of(DebugExitConfig.parse("")));
        var console = new ByteArrayOutputStream();
        try (Vmm vmm = Vmm.create(config, console, -1)) {
            assertThat(vmm.run()).isEqualTo(ExitReason.DEBUG_EXIT);
            assertThat(vmm.exitCode()).isEqualTo(1);
            assertThat(vmm.stopDetail()).contains("debug-exit port 0x501");
        }
        assertThat(console.toString(StandardCharsets.US_ASCII)).isEqualTo("floor-guest: hello\n");
    }

    /**
     * What a floor run through tools/vmm loads: with the launcher's AOT cache, that is also every
     * class the cache holds, since the JVM loads them all at start. None of the JDK's formatter
     * and locale data, java.time's dates and zones (picocli's converters for them), the fork-join
     * pool or NIO's stream adapters, which nothing in a run needs and which once made the cache
     * ~2.4 MB (~190 classes) larger
     * (docs/performance.md, "What the AOT cache holds").
     */
    @Test
    void aFloorRunThroughTheLauncherLoadsNoFormatterTimeOrForkJoinClasses(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("classes.log");
        ProcessBuilder pb = new ProcessBuilder(TinyGuests.checkout().resolve("tools/vmm").toString(), "run",
                "--log-level", "warn", "--firmware", floorGuest().toString(), "--debug-exit", "--memory", "16M")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
        pb.environment().put("JVMM_KVM", "direct");
        pb.environment().put("JVMM_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        Process vmm = pb.start();
        try {
            assertThat(vmm.waitFor(600, TimeUnit.SECONDS)).as("tools/vmm finished").isTrue();
        } finally {
            vmm.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out"));
        assertThat(vmm.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("floor-guest: hello");
        assertThat(Files.readString(log)).contains("jvmm.vmm.Vmm ").doesNotContain("java.util.Formatter ",
                "java.time.ZoneId ", "java.time.LocalDate ", "java.util.concurrent.ForkJoinPool ",
                "sun.nio.ch.ChannelInputStream ");
    }

    /**
     * A 4 KiB image whose reset vector far-jumps to F000:F000, its copy below 1 MiB; there it
     * prints 'A', writes 'X' over its own byte at offset 0x800 ('R'), prints that byte and a
     * newline, and writes 2 to a debug-exit port at 0x600 (status 5).
     */
    @Test
    void theLowAliasRunsAndTheFirmwareIsReadOnly(@TempDir Path dir) throws Exception {
        byte[] image = new byte[0x1000];
        byte[] code = {
            (byte) 0xba, (byte) 0xf8, 0x03,                     // mov dx, 0x3f8
            (byte) 0xb0, 'A',                                   // mov al, 'A'
            (byte) 0xee,                                        // out dx, al
            0x2e, (byte) 0xc6, 0x06, 0x00, (byte) 0xf8, 'X',    // mov byte cs:[0xf800], 'X'
            0x2e, (byte) 0xa0, 0x00, (byte) 0xf8,               // mov al, cs:[0xf800]
            (byte) 0xee,                                        // out dx, al
            (byte) 0xb0, '\n', (byte) 0xee,                     // mov al, '\n'; out dx, al
            (byte) 0xba, 0x00, 0x06,                            // mov dx, 0x600
            (byte) 0xb0, 0x02, (byte) 0xee,                     // mov al, 2; out dx, al
            (byte) 0xf4,                                        // hlt
        };
        System.arraycopy(code, 0, image, 0, code.length);
        image[0x800] = 'R';
        byte[] reset = {(byte) 0xea, 0x00, (byte) 0xf0, 0x00, (byte) 0xf0}; // jmp far f000:f000
        System.arraycopy(reset, 0, image, 0xff0, reset.length);
        Path fw = Files.write(dir.resolve("alias.bin"), image);
        boolean readOnly;
        try (Kvm kvm = Kvm.open()) {
            readOnly = kvm.checkExtension(KvmCap.KVM_CAP_READONLY_MEM) > 0;
        }
        var console = new ByteArrayOutputStream();
        try (Vmm vmm = Vmm.create(VmConfig.firmware(fw, 16L << 20, 1, Optional.of(DebugExitConfig.parse("iobase=0x600"))),
                console, -1)) {
            assertThat(vmm.run()).isEqualTo(ExitReason.DEBUG_EXIT);
            assertThat(vmm.exitCode()).isEqualTo(5);
        }
        assertThat(console.toString(StandardCharsets.US_ASCII)).isEqualTo(readOnly ? "AR\n" : "AX\n");
    }
}
