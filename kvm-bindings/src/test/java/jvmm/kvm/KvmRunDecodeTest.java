package jvmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decodes hand-built kvm_run pages. Offsets are literals taken from the probe's golden output,
 * not from KvmLayouts, so a layout mistake cannot hide behind itself.
 */
class KvmRunDecodeTest {
    private static final long EXIT_REASON = 8;
    private static final long UNION = 32;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment run = arena.allocate(4096, 4096);

    @AfterEach
    void close() {
        arena.close();
    }

    private void io(int direction, int size, int port, int count, long dataOffset) {
        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_IO);
        run.set(JAVA_BYTE, UNION, (byte) direction);
        run.set(JAVA_BYTE, UNION + 1, (byte) size);
        run.set(JAVA_SHORT, UNION + 2, (short) port);
        run.set(JAVA_INT, UNION + 4, count);
        run.set(JAVA_LONG, UNION + 8, dataOffset);
    }

    @Test
    void ioOutCarriesPortSizeAndTheWrittenBytes() {
        io(KvmRun.KVM_EXIT_IO_OUT, 2, 0x3f8, 1, 0x1000 - 16);
        run.set(JAVA_SHORT, 0x1000 - 16, (short) 0xbeef);

        VcpuExit exit = KvmRun.decode(run);

        assertThat(exit).isInstanceOfSatisfying(VcpuExit.IoOut.class, out -> {
            assertThat(out.port()).isEqualTo(0x3f8);
            assertThat(out.size()).isEqualTo(2);
            assertThat(out.count()).isEqualTo(1);
            assertThat(out.value()).isEqualTo(0xbeef);
        });
    }

    @Test
    void ioInAnswerLandsAtTheDataOffset() {
        io(KvmRun.KVM_EXIT_IO_IN, 1, 0xffff, 1, 0x800);

        VcpuExit.IoIn in = (VcpuExit.IoIn) KvmRun.decode(run);
        in.respond(0x1ab);

        assertThat(in.port()).isEqualTo(0xffff);
        assertThat(run.get(JAVA_BYTE, 0x800)).isEqualTo((byte) 0xab);
        assertThat(run.get(JAVA_BYTE, 0x801)).isZero();
    }

    @Test
    void ioDataOutsideThePageIsRejected() {
        io(KvmRun.KVM_EXIT_IO_OUT, 4, 0x80, 2, 4096 - 4);

        assertThatThrownBy(() -> KvmRun.decode(run)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mmioWriteAndReadUseTheInlineData() {
        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_MMIO);
        run.set(JAVA_LONG, UNION, 0xd000_0050L);
        run.set(JAVA_INT, UNION + 8, 0x1234_5678);
        run.set(JAVA_INT, UNION + 16, 4);
        run.set(JAVA_BYTE, UNION + 20, (byte) 1);

        VcpuExit.MmioWrite write = (VcpuExit.MmioWrite) KvmRun.decode(run);
        long written = write.value();
        run.set(JAVA_BYTE, UNION + 20, (byte) 0);
        VcpuExit.MmioRead read = (VcpuExit.MmioRead) KvmRun.decode(run);
        read.respond(0xcafe);

        assertThat(write.address()).isEqualTo(0xd000_0050L);
        assertThat(written).isEqualTo(0x1234_5678L);
        assertThat(read.length()).isEqualTo(4);
        assertThat(run.get(JAVA_INT, UNION + 8)).isEqualTo(0xcafe);
    }

    @Test
    void systemEventFailEntryAndInternalErrorKeepTheirDetails() {
        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_SYSTEM_EVENT);
        run.set(JAVA_INT, UNION, VcpuExit.SystemEvent.RESET);
        run.set(JAVA_LONG, UNION + 8, 0x77);
        VcpuExit event = KvmRun.decode(run);

        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_FAIL_ENTRY);
        run.set(JAVA_LONG, UNION, 0x80000021L);
        run.set(JAVA_INT, UNION + 8, 3);
        VcpuExit fail = KvmRun.decode(run);

        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_INTERNAL_ERROR);
        run.set(JAVA_INT, UNION, 1);
        run.set(JAVA_INT, UNION + 4, 99);
        VcpuExit internal = KvmRun.decode(run);

        assertThat(event).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.RESET, 0x77));
        assertThat(fail).isEqualTo(new VcpuExit.FailEntry(0x80000021L, 3));
        assertThat(internal).isInstanceOfSatisfying(VcpuExit.InternalError.class, e -> {
            assertThat(e.suberror()).isEqualTo(1);
            assertThat(e.data()).hasSize(16);
        });
    }

    @Test
    void simpleExitsAndUnknownReasons() {
        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_HLT);
        VcpuExit hlt = KvmRun.decode(run);
        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_SHUTDOWN);
        VcpuExit shutdown = KvmRun.decode(run);
        run.set(JAVA_INT, EXIT_REASON, KvmRun.KVM_EXIT_INTR);
        VcpuExit intr = KvmRun.decode(run);
        run.set(JAVA_INT, EXIT_REASON, 37);
        run.set(JAVA_LONG, UNION, 0x4242);
        VcpuExit unknown = KvmRun.decode(run);

        assertThat(hlt).isInstanceOf(VcpuExit.Hlt.class);
        assertThat(shutdown).isInstanceOf(VcpuExit.Shutdown.class);
        assertThat(intr).isInstanceOf(VcpuExit.Intr.class);
        assertThat(unknown).isEqualTo(new VcpuExit.Unknown(37, 0x4242));
    }
}
