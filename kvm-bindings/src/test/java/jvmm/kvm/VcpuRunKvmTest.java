package jvmm.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jvmm.kvm.sys.Signals;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs tiny real-mode guests: every exit kind jvmm handles, and the kick out of KVM_RUN. */
@Tag("kvm")
class VcpuRunKvmTest {
    private static final int KICK = Signals.realtime(4);

    /**
     * <pre>
     *   mov dx, 0x3f8      ba f8 03
     *   mov al, 'A'        b0 41
     *   out dx, al         ee
     *   in  al, dx         ec
     *   mov [0x8000], al   a2 00 80     (0x8000 is past RAM: MMIO write)
     *   mov al, [0x8000]   a0 00 80     (MMIO read)
     *   out dx, al         ee
     *   hlt                f4
     * </pre>
     */
    private static final byte[] IO_AND_MMIO = bytes(0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xec, 0xa2, 0x00, 0x80,
            0xa0, 0x00, 0x80, 0xee, 0xf4);
    /** {@code jmp $}: spins until kicked. */
    private static final byte[] SPIN = bytes(0xeb, 0xfe);

    @Test
    void ioAndMmioExitsAreDecodedAndAnswered() throws Exception {
        List<String> seen = new ArrayList<>();
        try (TinyGuest guest = TinyGuest.start(IO_AND_MMIO)) {
            for (int i = 0; i < 10; i++) {
                VcpuExit exit = guest.vcpu.run();
                switch (exit) {
                    case VcpuExit.IoOut out -> seen.add("out " + Integer.toHexString(out.port()) + " " + out.value());
                    case VcpuExit.IoIn in -> {
                        in.respond(0x42);
                        seen.add("in " + Integer.toHexString(in.port()));
                    }
                    case VcpuExit.MmioWrite write -> seen.add("mmio write " + Long.toHexString(write.address())
                            + " " + write.value());
                    case VcpuExit.MmioRead read -> {
                        read.respond(0x5a);
                        seen.add("mmio read " + Long.toHexString(read.address()) + " " + read.length());
                    }
                    case VcpuExit.Hlt hlt -> seen.add("hlt");
                    default -> seen.add("unexpected " + exit);
                }
                if (exit instanceof VcpuExit.Hlt || seen.getLast().startsWith("unexpected")) {
                    break;
                }
            }
        }

        assertThat(seen).containsExactly("out 3f8 65", "in 3f8", "mmio write 8000 66", "mmio read 8000 1",
                "out 3f8 90", "hlt");
    }

    /**
     * <pre>
     *   mov dx, 0x3f8      ba f8 03
     *   mov al, 'o'        b0 6f
     *   out dx, al         ee
     *   mov al, 'k'        b0 6b
     *   out dx, al         ee
     *   inc dx             42        (0x3f9: not coalesced)
     *   out dx, al         ee
     *   hlt                f4
     * </pre>
     */
    private static final byte[] COALESCED = bytes(0xba, 0xf8, 0x03, 0xb0, 0x6f, 0xee, 0xb0, 0x6b, 0xee, 0x42, 0xee, 0xf4);

    @Test
    void writesToACoalescedPortWaitInTheRingUntilTheNextExit() throws Exception {
        try (TinyGuest guest = TinyGuest.start(COALESCED)) {
            int pageOffset = guest.kvm.checkExtension(KvmCap.KVM_CAP_COALESCED_MMIO);
            assertThat(guest.kvm.checkExtension(KvmCap.KVM_CAP_COALESCED_PIO)).isPositive();
            assertThat(pageOffset).isEqualTo(VcpuFd.KVM_COALESCED_MMIO_PAGE_OFFSET);
            guest.vm.registerCoalescedMmio(0x3f8, 1, true);
            CoalescedRing ring = guest.vcpu.coalescedRing(pageOffset);

            VcpuExit exit = guest.vcpu.run();
            // The two writes to 0x3f8 did not exit: the first exit is the one to 0x3f9.
            assertThat(exit).isInstanceOfSatisfying(VcpuExit.IoOut.class, o -> assertThat(o.port()).isEqualTo(0x3f9));
            List<String> batched = new ArrayList<>();
            int n = ring.drain((pio, address, data) -> batched.add(pio + " " + Long.toHexString(address) + " " + (char) data[0]));
            assertThat(n).isEqualTo(2);
            assertThat(batched).containsExactly("true 3f8 o", "true 3f8 k");
            assertThat(guest.vcpu.run()).isInstanceOf(VcpuExit.Hlt.class);
            assertThat(ring.drain((pio, address, data) -> batched.add("more"))).isZero();
        }
    }

    @Test
    void immediateExitReturnsIntrWithoutEnteringTheGuest() throws Exception {
        try (TinyGuest guest = TinyGuest.start(SPIN)) {
            guest.vcpu.setImmediateExit(true);

            assertThat(guest.vcpu.run()).isInstanceOf(VcpuExit.Intr.class);
            guest.vcpu.setImmediateExit(false);
        }
    }

    /**
     * The vCPU thread blocks KICK, lets KVM_RUN run with KICK unblocked, and spins in the guest;
     * tgkill brings it back with Intr and the signal is consumed afterwards.
     */
    @Test
    void tgkillKicksASpinningVcpuOutOfKvmRun() throws Exception {
        try (TinyGuest guest = TinyGuest.start(SPIN)) {
            CompletableFuture<Integer> tid = new CompletableFuture<>();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread vcpuThread = Thread.ofPlatform().name("vcpu0").start(() -> {
                try {
                    Signals.blockOnThisThread(KICK);
                    guest.vcpu.setSignalMask(Signals.threadMask() & ~Signals.bit(KICK));
                    tid.complete(Signals.gettid());
                    VcpuExit exit = guest.vcpu.run();
                    outcome.complete(exit.getClass().getSimpleName() + " consumed=" + Signals.consumePending(KICK));
                } catch (Throwable t) {
                    tid.completeExceptionally(t);
                    outcome.completeExceptionally(t);
                }
            });
            int vcpuTid = tid.get(60, TimeUnit.SECONDS);
            Thread.sleep(200);

            Signals.tgkill(Signals.getpid(), vcpuTid, KICK);

            assertThat(outcome.get(60, TimeUnit.SECONDS)).isEqualTo("Intr consumed=true");
            vcpuThread.join();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
