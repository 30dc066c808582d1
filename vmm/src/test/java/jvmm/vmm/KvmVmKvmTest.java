package jvmm.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import jvmm.vmm.config.ConfigException;
import jvmm.vmm.config.VmConfig;
import jvmm.vmm.console.ConsoleRouter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KVM VM made ahead of its configuration ({@link KvmVm#openAhead()}): a guest runs on it, a
 * configuration refused before KVM's turn leaves it for the next try, and one never taken is
 * closed, its file descriptors with it.
 */
@Tag("kvm")
class KvmVmKvmTest {

    /** The open KVM VM file descriptors of this process (anon_inode:kvm-vm). */
    private static long openVmFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:kvm-vm");
                } catch (IOException e) {
                    return false; // the listing's own descriptor, closed by now
                }
            }).count();
        }
    }

    private static String runTinyGuest(KvmVm.Ahead ahead) throws Exception {
        var out = new ByteArrayOutputStream();
        var config = new VmConfig(TinyGuests.build(), Optional.empty(), "", 16L << 20, 1);
        try (Vmm vmm = Vmm.create(config, new ConsoleRouter(out, null, null, false), -1, ahead)) {
            assertThat(vmm.run()).isEqualTo(ExitReason.POWEROFF);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aGuestRunsOnAVmMadeAheadAndItClosesWithTheVmm() throws Exception {
        long before = openVmFds();
        try (KvmVm.Ahead ahead = KvmVm.openAhead()) {
            assertThat(runTinyGuest(ahead)).isEqualTo("tiny-guest: hello from long mode\n");
            assertThat(ahead.taken()).isTrue();
            assertThatThrownBy(ahead::take).isInstanceOf(IllegalStateException.class);
        }
        assertThat(openVmFds()).isEqualTo(before);
    }

    @Test
    void aConfigurationRefusedBeforeKvmLeavesTheVmForTheNextTry(@TempDir Path dir) throws Exception {
        Path notAKernel = Files.writeString(dir.resolve("not-a-kernel"), "hello");
        try (KvmVm.Ahead ahead = KvmVm.openAhead()) {
            var refused = new VmConfig(notAKernel, Optional.empty(), "", 16L << 20, 1);
            var out = new ByteArrayOutputStream();
            assertThatThrownBy(() -> Vmm.create(refused, new ConsoleRouter(out, null, null, false), -1, ahead))
                    .isInstanceOf(ConfigException.class);
            assertThat(ahead.taken()).isFalse();
            assertThat(runTinyGuest(ahead)).contains("hello from long mode");
        }
    }

    @Test
    void aVmNeverTakenIsClosed() throws Exception {
        long before = openVmFds();
        KvmVm.Ahead ahead = KvmVm.openAhead();
        KvmVm vm = ahead.take(); // waits until it is made; the test closes it as its owner
        assertThat(openVmFds()).isEqualTo(before + 1);
        vm.close();
        assertThat(openVmFds()).isEqualTo(before);

        KvmVm.Ahead untaken = KvmVm.openAhead();
        untaken.close(); // waits until the VM is made, then closes it
        assertThat(openVmFds()).isEqualTo(before);
        assertThatThrownBy(untaken::take).isInstanceOf(IllegalStateException.class);
    }
}
