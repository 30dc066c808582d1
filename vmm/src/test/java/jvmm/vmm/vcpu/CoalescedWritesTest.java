package jvmm.vmm.vcpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jvmm.kvm.CoalescedRing;
import jvmm.vmm.devices.Bus;
import jvmm.vmm.devices.BusDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

/** Draining the coalesced ring into the buses, from vCPUs and from the event loop's timer. */
class CoalescedWritesTest {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment page = arena.allocate(4096, 4096);
    private final CoalescedRing ring = new CoalescedRing(page);
    private final Bus pio = new Bus("pio");
    private final List<Integer> written = new CopyOnWriteArrayList<>();
    private final CountDownLatch deviceEntered = new CountDownLatch(1);
    private final CountDownLatch releaseDevice = new CountDownLatch(1);

    @AfterEach
    void close() {
        releaseDevice.countDown();
        arena.close();
    }

    @Test
    void writesReachTheirDeviceInGuestOrder() {
        var writes = new CoalescedWrites(ring, pio, new Bus("mmio"));
        pio.register(0x3f8, 1, recorder(false));
        produce(0x3f8, 'o');
        produce(0x3f8, 'k');

        writes.drain();
        assertThat(writes.drainUnlessBusy()).isTrue();

        assertThat(written).containsExactly((int) 'o', (int) 'k');
    }

    @Test
    void theTimerSkipsARoundWhileAVcpuWaitsInsideADevice() throws Exception {
        var writes = new CoalescedWrites(ring, pio, new Bus("mmio"));
        pio.register(0x3f8, 1, recorder(true)); // like a UART whose console buffer is full
        produce(0x3f8, 'a');
        Thread vcpu = Thread.ofPlatform().start(writes::drain);
        assertThat(deviceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        produce(0x3f8, 'b');

        assertThat(writes.drainUnlessBusy()).as("the loop's drain while a vCPU's is blocked").isFalse();

        releaseDevice.countDown();
        vcpu.join(10_000);
        assertThat(vcpu.isAlive()).isFalse();
        assertThat(writes.drainUnlessBusy()).isTrue();
        assertThat(written).containsExactly((int) 'a', (int) 'b');
    }

    private BusDevice recorder(boolean blockOnFirst) {
        return new BusDevice() {
            @Override
            public void read(long offset, byte[] data) {
            }

            @Override
            public void write(long offset, byte[] data) {
                written.add(data[0] & 0xff);
                deviceEntered.countDown();
                if (blockOnFirst && written.size() == 1) {
                    try {
                        releaseDevice.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    /** What KVM does for a coalesced port write: fill the slot at last, then advance last. */
    private void produce(long port, int value) {
        int last = page.get(JAVA_INT, 4);
        long entry = 8 + last * 24L;
        page.set(JAVA_LONG, entry, port);
        page.set(JAVA_INT, entry + 8, 1);
        page.set(JAVA_INT, entry + 12, 1);
        page.set(JAVA_BYTE, entry + 16, (byte) value);
        page.set(JAVA_INT, 4, last + 1);
    }
}
