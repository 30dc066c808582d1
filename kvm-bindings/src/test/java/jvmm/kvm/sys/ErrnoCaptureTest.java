package jvmm.kvm.sys;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrnoCaptureTest {

    @Test
    void failureNamesOperationErrnoAndDescription() {
        assertThatThrownBy(() -> Libc.open("/nonexistent/jvmm-test", Libc.O_RDONLY, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.operation()).isEqualTo("open /nonexistent/jvmm-test");
                    assertThat(e.getMessage())
                            .isEqualTo("open /nonexistent/jvmm-test: ENOENT (No such file or directory)");
                });
    }

    @Test
    void namesOutsideTheTableStillRead() {
        assertThat(Errno.name(Errno.EINVAL)).isEqualTo("EINVAL");
        assertThat(Errno.name(41)).isEqualTo("errno 41");
        assertThat(Errno.description(Errno.EINVAL)).isEqualTo("Invalid argument");
    }

    /**
     * Two threads fail differently in lock step, many times: each must see its own errno. A
     * shared capture segment would let one thread's errno overwrite the other's between the
     * call and the check.
     */
    @Test
    void concurrentFailuresSeeTheirOwnErrno() throws Exception {
        int rounds = 2000;
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> missingFile = pool.submit(() -> countErrno(rounds, barrier, Errno.ENOENT,
                    () -> Libc.open("/nonexistent/jvmm-errno", Libc.O_RDONLY, 0).close()));
            Future<Integer> badFd = pool.submit(() -> countErrno(rounds, barrier, Errno.EBADF,
                    () -> Libc.fdatasync(-1)));

            assertThat(missingFile.get(60, TimeUnit.SECONDS)).isEqualTo(rounds);
            assertThat(badFd.get(60, TimeUnit.SECONDS)).isEqualTo(rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void virtualThreadsCaptureTheirOwnErrnoToo() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        int[] seen = new int[1];
        Thread.ofVirtual().start(() -> {
            try {
                Libc.ftruncate(-1, 0);
            } catch (ErrnoException e) {
                seen[0] = e.errno();
            }
            done.countDown();
        });

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen[0]).isEqualTo(Errno.EBADF);
    }

    private interface Failing {
        void run() throws ErrnoException;
    }

    private static int countErrno(int rounds, CyclicBarrier barrier, int expected, Failing call) throws Exception {
        int matches = 0;
        for (int i = 0; i < rounds; i++) {
            barrier.await(10, TimeUnit.SECONDS);
            try {
                call.run();
            } catch (ErrnoException e) {
                if (e.errno() == expected) {
                    matches++;
                }
            }
        }
        return matches;
    }
}
