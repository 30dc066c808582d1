package jvmm.tools.bench.ring;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Runs {@link RingBenchmark}'s operation and divides by the thread's own CPU time instead of wall
 * time: on a shared, overloaded host (load far above the core count) JMH's wall-clock throughput
 * measures the scheduler, while operations per CPU-second still say what one core can do.
 * JMH remains the reference on a quiet machine.
 *
 * <p>Usage: {@code tools/bench-ring --cpu-time [shape...]}
 */
public final class RingCpuTime {

    private static final int ROUNDS = 7;
    private static final long ROUND_CPU_NANOS = 500_000_000L;

    private RingCpuTime() {
    }

    public static void main(String[] args) {
        String[] shapes = args.length > 0 ? args : new String[] {"direct1", "block3", "indirect16"};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (String shape : shapes) {
            var bench = new RingBenchmark();
            bench.shape = shape;
            bench.setUp();
            try {
                sink += round(bench, threads, 4 * ROUND_CPU_NANOS); // warm-up: let the JIT finish
                double[] rates = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    rates[r] = rate(bench, threads);
                }
                Arrays.sort(rates);
                System.out.printf("%-11s median %,.0f ops per CPU-second (min %,.0f, max %,.0f, %d rounds)%n",
                        shape, rates[ROUNDS / 2], rates[0], rates[ROUNDS - 1], ROUNDS);
            } finally {
                bench.tearDown();
            }
        }
        if (sink == 42) {
            System.out.println(); // keeps the results alive for the JIT
        }
    }

    /** Operations per CPU-second over one round of about half a CPU-second. */
    private static double rate(RingBenchmark bench, ThreadMXBean threads) {
        long start = threads.getCurrentThreadCpuTime();
        long ops = round(bench, threads, ROUND_CPU_NANOS);
        long cpu = threads.getCurrentThreadCpuTime() - start;
        return ops * 1e9 / cpu;
    }

    /** Runs batches of operations until {@code cpuNanos} of this thread's CPU time are spent; returns the count. */
    private static long round(RingBenchmark bench, ThreadMXBean threads, long cpuNanos) {
        long deadline = threads.getCurrentThreadCpuTime() + cpuNanos;
        long ops = 0;
        long sink = 0;
        do {
            for (int i = 0; i < 100_000; i++) {
                sink += bench.popAddUsed();
            }
            ops += 100_000;
        } while (threads.getCurrentThreadCpuTime() < deadline);
        return sink == 0 ? -1 : ops;
    }
}
