package jvmm.kvm.sys;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The vCPU kick without a Java signal handler: a blocked real-time signal sent with tgkill stays
 * pending on exactly that thread and is consumed with a zero-timeout sigtimedwait. A long
 * sigtimedwait stands in for KVM_RUN, which also returns as soon as the signal is pending.
 */
class SignalKickTest {
    private static final int KICK = Signals.realtime(4);

    @Test
    void kickedSignalIsPendingOnTheThreadUntilConsumed() throws Exception {
        CompletableFuture<long[]> result = new CompletableFuture<>();
        Thread vcpu = Thread.ofPlatform().start(() -> {
            try {
                Signals.blockOnThisThread(KICK);
                long mask = Signals.threadMask();
                Signals.tgkill(Signals.getpid(), Signals.gettid(), KICK);
                long pendingAfterKick = Signals.pending();
                boolean consumed = Signals.consumePending(KICK);
                long pendingAfterConsume = Signals.pending();
                boolean consumedTwice = Signals.consumePending(KICK);
                Signals.unblockOnThisThread(KICK);
                result.complete(new long[] {mask, pendingAfterKick, consumed ? 1 : 0, pendingAfterConsume,
                        consumedTwice ? 1 : 0});
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });

        long[] seen = result.get(30, TimeUnit.SECONDS);
        vcpu.join();

        long bit = Signals.bit(KICK);
        assertThat(seen[0] & bit).as("blocked in the thread mask").isEqualTo(bit);
        assertThat(seen[1] & bit).as("pending after tgkill").isEqualTo(bit);
        assertThat(seen[2]).as("first consume").isEqualTo(1);
        assertThat(seen[3] & bit).as("pending after consume").isZero();
        assertThat(seen[4]).as("second consume").isZero();
    }

    @Test
    void tgkillWakesAThreadBlockedWaitingForTheSignal() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        CompletableFuture<Boolean> woke = new CompletableFuture<>();
        Thread vcpu = Thread.ofPlatform().start(() -> {
            try {
                Signals.blockOnThisThread(KICK);
                tid.complete(Signals.gettid());
                blocked.countDown();
                woke.complete(Signals.await(KICK, TimeUnit.SECONDS.toNanos(60)));
                Signals.unblockOnThisThread(KICK);
            } catch (Throwable t) {
                tid.completeExceptionally(t);
                woke.completeExceptionally(t);
            }
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

        Signals.tgkill(Signals.getpid(), tid.get(), KICK);

        assertThat(woke.get(30, TimeUnit.SECONDS)).as("woken by the kick, not by the 60 s timeout").isTrue();
        vcpu.join();
        assertThat(tid.get()).isNotEqualTo(Signals.gettid());
    }

    @Test
    void waitingWithoutAKickTimesOut() throws Exception {
        CompletableFuture<Boolean> woke = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                Signals.blockOnThisThread(KICK);
                woke.complete(Signals.await(KICK, TimeUnit.MILLISECONDS.toNanos(20)));
                Signals.unblockOnThisThread(KICK);
            } catch (Throwable t) {
                woke.completeExceptionally(t);
            }
        });

        assertThat(woke.get(30, TimeUnit.SECONDS)).isFalse();
        waiter.join();
    }

    @Test
    void realtimeSignalsAreBoundedAndMapToKernelBits() {
        assertThat(KICK).isBetween(34, 64);
        assertThat(Signals.bit(1)).isEqualTo(1L);
        assertThat(Signals.bit(64)).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> Signals.realtime(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signals.bit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
