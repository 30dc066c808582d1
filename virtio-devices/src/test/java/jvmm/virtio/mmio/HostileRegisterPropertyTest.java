package jvmm.virtio.mmio;

import static jvmm.virtio.DeviceStatus.ACKNOWLEDGE;
import static jvmm.virtio.DeviceStatus.DRIVER;
import static jvmm.virtio.DeviceStatus.DRIVER_OK;
import static jvmm.virtio.DeviceStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.device.ConfigSpace;
import jvmm.virtio.driver.DeviceHarness;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * A guest that writes anything anywhere in the register window, at any width: the transport
 * never throws, and its state stays one the status machine allows.
 */
class HostileRegisterPropertyTest {

    private static final int[] REGISTERS = {
        MmioRegisters.DEVICE_FEATURES_SEL, MmioRegisters.DRIVER_FEATURES, MmioRegisters.DRIVER_FEATURES_SEL,
        MmioRegisters.QUEUE_SEL, MmioRegisters.QUEUE_NUM, MmioRegisters.QUEUE_READY, MmioRegisters.QUEUE_NOTIFY,
        MmioRegisters.INTERRUPT_ACK, MmioRegisters.STATUS, MmioRegisters.QUEUE_DESC_LOW,
        MmioRegisters.QUEUE_DESC_HIGH, MmioRegisters.QUEUE_DRIVER_LOW, MmioRegisters.QUEUE_DEVICE_LOW,
        MmioRegisters.SHM_SEL, MmioRegisters.CONFIG_GENERATION, MmioRegisters.MAGIC_VALUE,
    };

    record Access(boolean write, long offset, int width, long value) {
    }

    @Provide
    Arbitrary<Access> accesses() {
        Arbitrary<Long> offsets = Arbitraries.frequencyOf(
                Tuple.of(70, Arbitraries.of(java.util.Arrays.stream(REGISTERS).asLongStream().boxed().toList())),
                Tuple.of(15, Arbitraries.longs().between(0, MmioRegisters.WINDOW_SIZE + 16)),
                Tuple.of(5, Arbitraries.longs()));
        Arbitrary<Long> values = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.longs().between(0, 16)),
                Tuple.of(30, Arbitraries.of(0L, 1L, 3L, 11L, 15L, 0x80L, 0x40L, 0x1000L)),
                Tuple.of(30, Arbitraries.longs()));
        return Combinators.combine(Arbitraries.of(true, true, true, false), offsets,
                Arbitraries.frequencyOf(Tuple.of(85, Arbitraries.just(4)), Tuple.of(15, Arbitraries.of(1, 2, 8, 3))),
                values).as(Access::new);
    }

    @Property(tries = 400)
    void anyRegisterTrafficLeavesAValidState(@ForAll boolean initializedFirst,
            @ForAll @Size(max = 200) List<@From("accesses") Access> trace) {
        var device = new RecordingDevice();
        try (var harness = new DeviceHarness(device)) {
            if (initializedFirst) {
                harness.driver.init(RecordingDevice.FEATURES, 16);
            }
            int activations = device.activations.size();
            for (Access access : trace) {
                byte[] data = new byte[access.width()];
                if (access.write()) {
                    ConfigSpace.encodeLe(access.value(), data);
                    harness.transport.write(access.offset(), data);
                } else {
                    harness.transport.read(access.offset(), data);
                }
                checkStatus(harness.transport.status());
                activations = device.activations.size();
            }
            if (harness.transport.isActive()) {
                long features = device.activations.getLast().features();
                assertThat(features & ~RecordingDevice.FEATURES).as("only offered features activate").isZero();
                assertThat(VirtioFeatures.has(features, VirtioFeatures.VIRTIO_F_VERSION_1)).isTrue();
            }
            Statistics.label("activations").collect(Math.min(activations, 3));
            Statistics.label("active at the end").collect(harness.transport.isActive());
        }
    }

    /** Each driver bit needs the one before it; nothing beyond the defined bits is ever set. */
    private static void checkStatus(int status) {
        if ((status & DRIVER_OK) != 0) {
            assertThat(status & FEATURES_OK).isNotZero();
        }
        if ((status & FEATURES_OK) != 0) {
            assertThat(status & DRIVER).isNotZero();
        }
        if ((status & DRIVER) != 0) {
            assertThat(status & ACKNOWLEDGE).isNotZero();
        }
        assertThat(status & ~0xCF).isZero();
    }
}
