package jvmm.vmm;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM end the VM cleanly (vCPUs stopped, terminal restored, exit code 130)
 * instead of killing the JVM halfway.
 */
final class StopSignals {

    private StopSignals() {
    }

    static void install(Runnable onStop) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> onStop.run());
            } catch (IllegalArgumentException e) {
                // the signal is reserved here (e.g. -Xrs): the JVM's default stays
            }
        }
    }
}
