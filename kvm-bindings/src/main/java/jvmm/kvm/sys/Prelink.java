package jvmm.kvm.sys;

import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Links the downcalls that every VM run makes ahead of their first use, on a background thread.
 *
 * <p>Each class here links what it needs in its static initializer: {@link Native} the one
 * {@code syscall(3)} handle every system call goes through, {@link Signals} glibc's real-time
 * signal range. The first downcall a JVM links loads and initializes the JDK's whole foreign
 * linker, and each handle costs a generated stub class and a few dozen lambda-form classes that
 * the AOT cache can't hold: tens of milliseconds on a real CPU, seconds under the KVM sandbox's
 * emulated one, right on the path to the first KVM_RUN. Started when the VMM starts, the linking
 * overlaps command-line parsing, loading the kernel and, with the control API, the wait for the
 * VM's configuration.
 *
 * <p>The static initializers only use {@link Native} and layouts, never one another, so a thread
 * that needs a class while this one initializes it waits for that one class, and a class this
 * thread has not reached yet it initializes itself; there is no lock cycle to deadlock on.
 */
public final class Prelink {

    /**
     * The classes whose set-up every VM run needs, in the order the VMM first needs them. Calls
     * that only some runs make through libc by name (a terminal's raw mode, pseudo-terminals,
     * errno descriptions) sit in holder classes of their own and link on first use.
     */
    private static final List<Class<?>> LINKING_CLASSES = List.of(Mapping.class, Libc.class, Ioctl.class,
            EventFd.class, Epoll.class, TimerFd.class, Signals.class, Terminal.class);

    private static volatile Thread thread;

    private Prelink() {
    }

    /** Starts the linking on a daemon thread (once per process; later calls return the same thread). */
    public static synchronized Thread start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("ffm-prelink").start(Prelink::linkAll);
        }
        return thread;
    }

    /**
     * Waits until the linking started by {@link #start()} is done; returns at once when it was
     * never started.
     */
    public static void await() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join();
        }
    }

    /** Initializes each linking class on the calling thread; returns how many initialized. */
    static int linkAll() {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        int linked = 0;
        for (Class<?> c : LINKING_CLASSES) {
            try {
                lookup.ensureInitialized(c);
                linked++;
            } catch (LinkageError e) {
                // A class that can't link (a libc without one of its symbols) is reported where it
                // is used: there the JVM throws NoClassDefFoundError with this error as its cause.
            } catch (IllegalAccessException e) {
                throw new AssertionError(e); // the lookup is this class's own package
            }
        }
        return linked;
    }
}
