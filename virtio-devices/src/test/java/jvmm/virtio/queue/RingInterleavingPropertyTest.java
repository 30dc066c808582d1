package jvmm.virtio.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jvmm.virtio.driver.RingFullException;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.UsedBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random interleavings of everything both sides of a ring do, checked against a model: every
 * buffer comes back exactly once with the length the device gave it, the free count adds up, and
 * whenever one side went to sleep the other side's decision to notify it was yes.
 */
class RingInterleavingPropertyTest {

    enum Kind { ADD, KICK, POP, COMPLETE, DEVICE_IDLE, DEVICE_BUSY, DRIVER_ARM, DRIVER_DISARM, DRIVER_GET }

    record Op(Kind kind, int a, int b) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = net.jqwik.api.Combinators.combine(
                Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 4096))
                .as(Op::new);
        return op.list().ofMaxSize(300);
    }

    @Property(tries = 400)
    void everyBufferReturnsOnceAndNoNeededNotificationIsSkipped(
            @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = 4) int sizeLog2,
            @ForAll boolean eventIdx, @ForAll boolean indirect) {
        int size = 1 << sizeLog2;
        try (var f = new RingFixture(size, eventIdx, indirect)) {
            var model = new Model(f, size, indirect);
            for (Op op : ops) {
                model.apply(op);
            }
            model.drainAndCheck();
        }
    }

    /** Both sides' states as the protocol defines them, and what the model expects. */
    private static final class Model {
        final RingFixture f;
        final int size;
        final boolean indirect;
        final Map<Object, Integer> expectedLen = new HashMap<>();
        final Map<Object, Integer> outstanding = new HashMap<>(); // token -> descriptors it holds
        final List<DescriptorChain> inFlight = new ArrayList<>();
        final Map<Integer, Object> tokenOfHead = new HashMap<>();
        int nextToken;
        int descriptorsInUse;
        boolean deviceIdle;
        int addsSinceDeviceIdle;
        boolean driverAsleep;
        int usedSinceDriverAsleep;

        Model(RingFixture f, int size, boolean indirect) {
            this.f = f;
            this.size = size;
            this.indirect = indirect;
        }

        void apply(Op op) {
            switch (op.kind()) {
                case ADD -> add(op.a() % 4, (op.a() / 4) + (op.b() % 3));
                case KICK -> kick();
                case POP -> pop(op.a() + 1);
                case COMPLETE -> complete(op.a() + 1, op.b());
                case DEVICE_IDLE -> deviceIdle();
                case DEVICE_BUSY -> {
                    if (!deviceIdle) {
                        f.queue.disableNotification(f.memory);
                    }
                }
                case DRIVER_ARM -> driverArm();
                case DRIVER_DISARM -> {
                    if (!driverAsleep) {
                        f.driver.disableCallbacks();
                    }
                }
                case DRIVER_GET -> {
                    if (!driverAsleep) {
                        get(op.a() + 1);
                    }
                }
            }
        }

        void add(int outs, int ins) {
            if (outs + ins == 0) {
                outs = 1;
            }
            var out = new ArrayList<Segment>();
            var in = new ArrayList<Segment>();
            for (int i = 0; i < outs; i++) {
                out.add(RingFixture.seg(i * 64L, 16 + i));
            }
            for (int i = 0; i < ins; i++) {
                in.add(RingFixture.seg(0x1000 + i * 64L, 32 + i));
            }
            int needed = indirect && outs + ins > 1 ? 1 : outs + ins;
            Object token = "buf" + nextToken++;
            long kicksBefore = f.driver.kicks();
            try {
                int head = f.driver.add(out, in, token);
                assertThat(needed).isLessThanOrEqualTo(size - descriptorsInUse);
                descriptorsInUse += needed;
                outstanding.put(token, needed);
                tokenOfHead.put(head, token);
                if (deviceIdle) {
                    addsSinceDeviceIdle++;
                }
            } catch (RingFullException e) {
                assertThat(needed).isGreaterThan(size - descriptorsInUse);
                assertThat(f.driver.kicks()).isEqualTo(kicksBefore + (outs > 0 ? 1 : 0));
                if (outs > 0) {
                    deviceWoken();
                }
            }
            assertThat(f.driver.numFree()).isEqualTo(size - descriptorsInUse);
        }

        void kick() {
            boolean wanted = f.driver.kickPrepare();
            if (deviceIdle && addsSinceDeviceIdle > 0) {
                assertThat(wanted).as("idle device with new buffers must be kicked").isTrue();
            }
            if (wanted) {
                deviceWoken();
            }
        }

        void deviceWoken() {
            deviceIdle = false;
            addsSinceDeviceIdle = 0;
        }

        void pop(int n) {
            for (int i = 0; i < n; i++) {
                DescriptorChain chain = f.pop();
                if (chain == null) {
                    return;
                }
                Object token = tokenOfHead.get(chain.head());
                assertThat(token).as("popped head %d was published", chain.head()).isNotNull();
                inFlight.add(chain);
            }
        }

        void complete(int n, int seed) {
            boolean any = false;
            for (int i = 0; i < n && !inFlight.isEmpty(); i++) {
                DescriptorChain chain = inFlight.remove((seed + i) % inFlight.size());
                int len = (int) ((seed * 31L + i) % (chain.writableLength() + 1));
                expectedLen.put(tokenOfHead.get(chain.head()), len);
                f.queue.addUsed(f.memory, chain.head(), len);
                any = true;
                if (driverAsleep) {
                    usedSinceDriverAsleep++;
                }
            }
            if (!any) {
                return;
            }
            boolean notify = f.queue.needsNotification(f.memory);
            if (driverAsleep && usedSinceDriverAsleep > 0) {
                assertThat(notify).as("sleeping driver with used buffers must be interrupted").isTrue();
            }
            if (notify) {
                driverAsleep = false;
                usedSinceDriverAsleep = 0;
            }
        }

        void deviceIdle() {
            if (deviceIdle) {
                return;
            }
            boolean more = f.queue.enableNotification(f.memory);
            assertThat(more).isEqualTo(f.driver.availIdx() != f.queue.nextAvail());
            if (!more) {
                deviceIdle = true;
                addsSinceDeviceIdle = 0;
            }
        }

        void driverArm() {
            if (driverAsleep) {
                return;
            }
            boolean canSleep = f.driver.enableCallbacks();
            assertThat(canSleep).isEqualTo(f.queue.nextUsed() == f.driver.lastUsedIdx());
            if (canSleep) {
                driverAsleep = true;
                usedSinceDriverAsleep = 0;
            }
        }

        void get(int n) {
            for (int i = 0; i < n; i++) {
                UsedBuffer used = f.driver.getBuf();
                if (used == null) {
                    return;
                }
                check(used);
            }
        }

        void check(UsedBuffer used) {
            Integer len = expectedLen.remove(used.token());
            assertThat(len).as("%s came back once, after the device completed it", used.token()).isNotNull();
            assertThat(used.length()).isEqualTo(len);
            descriptorsInUse -= outstanding.remove(used.token());
            tokenOfHead.values().remove(used.token());
        }

        void drainAndCheck() {
            pop(size);
            complete(size, 7);
            for (UsedBuffer used; (used = f.driver.getBuf()) != null; ) {
                check(used);
            }
            assertThat(outstanding).isEmpty();
            assertThat(expectedLen).isEmpty();
            assertThat(f.driver.numFree()).isEqualTo(size);
            assertThat(f.queue.nextAvail()).isEqualTo(f.driver.availIdx());
            assertThat(f.queue.nextUsed()).isEqualTo(f.driver.lastUsedIdx());
            assertThat(f.queue.isBroken()).isFalse();
        }
    }
}
