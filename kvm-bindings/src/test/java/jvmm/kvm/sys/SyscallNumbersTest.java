package jvmm.kvm.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SyscallNumbersTest {
    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");

    @Test
    void everyNumberIsTheKernelHeadersOwn() throws IOException, IllegalAccessException {
        assumeTrue(Files.isReadable(HEADER), "no kernel headers at " + HEADER);
        Map<String, Long> header = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^#define __NR_(\\w+) (\\d+)$").matcher(Files.readString(HEADER));
        while (m.find()) {
            header.put(m.group(1), Long.parseLong(m.group(2)));
        }
        int checked = 0;
        for (Field f : SyscallNumbers.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getName().equals("AT_FDCWD")
                    || f.getName().equals("KERNEL_SIGSET_BYTES")) {
                continue;
            }
            String name = f.getName().toLowerCase(Locale.ROOT);
            assertThat(header).as("__NR_" + name).containsEntry(name, f.getLong(null));
            checked++;
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void aSystemCallWorksAndFailsWithItsErrno() {
        assertThat(Native.syscall(SyscallNumbers.GETPID, 0)).isEqualTo(ProcessHandle.current().pid());
        assertThat(Native.syscall(SyscallNumbers.CLOSE, -1)).isEqualTo(-1);
        assertThat(Native.lastErrno()).isEqualTo(Errno.EBADF);
    }

    @Test
    void addressesAreOnlyGivenForLiveNativeMemory() {
        assertThat(Native.address(MemorySegment.NULL)).isZero();
        assertThatThrownBy(() -> Native.address(MemorySegment.ofArray(new byte[8])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap segment");
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(8);
            assertThat(Native.address(closed)).isEqualTo(closed.address());
        }
        assertThatThrownBy(() -> Native.address(closed))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
