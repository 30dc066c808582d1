package jvmm.kvm.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PrelinkTest {

    @Test
    void everyLinkingClassInitializesOnThisLibc() {
        assertEquals(8, Prelink.linkAll());
    }

    @Test
    void startRunsOnceInTheBackgroundAndAwaitWaitsForIt() throws InterruptedException {
        Thread t = Prelink.start();
        assertSame(t, Prelink.start());
        assertEquals("ffm-prelink", t.getName());
        Prelink.await();
        assertFalse(t.isAlive());
        assertEquals(ProcessHandle.current().pid(), Signals.getpid());
    }
}
