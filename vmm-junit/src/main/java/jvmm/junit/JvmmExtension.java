package jvmm.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives tests booted guests and always tears them down.
 *
 * <p>Declaratively: a {@link GuestVm} parameter of a test (or {@code @BeforeAll}/{@code
 * @BeforeEach}) method is booted as its {@link Guest} annotation (on the parameter, else the
 * method, else the class) describes. Programmatically: register the extension in a static field
 * with {@code @RegisterExtension} and call {@link #boot(GuestSpec)}.
 *
 * <p>A guest booted for a test method is killed, and the disks made for it deleted, after that
 * test, pass or fail; one booted in {@code @BeforeAll}, after the class. jvmm is found as {@link
 * JvmmHome#locate()} says; each boot reports where it runs ({@code direct} on the host's KVM, or
 * {@code sandbox}) as a report entry {@code jvmm.kvm} and on stderr.
 */
public final class JvmmExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback, AfterAllCallback {


    private JvmmHome home;
    private ExtensionContext current;
    private final List<GuestVm> classGuests = new ArrayList<>();
    private final List<GuestVm> testGuests = new ArrayList<>();

    /** The jvmm this extension boots with. */
    public synchronized JvmmHome home() {
        if (home == null) {
            home = JvmmHome.locate();
        }
        return home;
    }

    /** Boots {@code spec}; it is torn down after the current test (or class, outside a test). */
    public GuestVm boot(GuestSpec spec) {
        return boot(spec, current);
    }

    private synchronized GuestVm boot(GuestSpec spec, ExtensionContext context) {
        JvmmHome h = home();
        GuestVm vm;
        try {
            vm = GuestVm.boot(h, spec);
        } catch (IOException e) {
            throw new UncheckedIOException("can't boot the guest: " + e.getMessage(), e);
        }
        boolean inTest = context != null && context.getTestMethod().isPresent();
        (inTest ? testGuests : classGuests).add(vm);
        System.err.printf("jvmm: guest booting (KVM: %s)%n", vm.placement());
        if (context != null) {
            context.publishReportEntry("jvmm.kvm", vm.placement());
        }
        return vm;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GuestVm.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Guest g = parameter.findAnnotation(Guest.class)
                .or(() -> context.getTestMethod().flatMap(m -> find(m)))
                .or(() -> context.getTestClass().flatMap(JvmmExtension::find))
                .orElse(null);
        try {
            return boot(g == null ? GuestSpec.defaultGuest() : toSpec(g), context);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("can't boot the guest for " + parameter.getDeclaringExecutable().getName()
                    + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Guest> find(AnnotatedElement e) {
        return Optional.ofNullable(e.getAnnotation(Guest.class));
    }

    /** The spec a {@link Guest} annotation describes. */
    GuestSpec toSpec(Guest g) {
        GuestSpec s = GuestSpec.defaultGuest();
        if (!g.kernel().isEmpty()) {
            s.kernel(Path.of(g.kernel()));
        }
        if (!g.initrd().isEmpty()) {
            s.initrd(Path.of(g.initrd()));
        }
        if (!g.cmdline().isEmpty()) {
            s.cmdline(g.cmdline());
        }
        if (!g.appendCmdline().isEmpty()) {
            s.appendCmdline(g.appendCmdline());
        }
        if (!g.memory().isEmpty()) {
            s.memory(g.memory());
        }
        if (g.cpus() > 0) {
            s.cpus(g.cpus());
        }
        if (g.virtioConsole()) {
            s.virtioConsole();
        }
        for (String d : g.disks()) {
            if (d.startsWith("scratch:")) {
                s.scratchDisk(parseSize(d.substring("scratch:".length())));
            } else if (d.equals("copy:default-rootfs")) {
                s.copyOfDisk(home().defaultGuestFile("ROOTFS"));
            } else if (d.startsWith("copy:")) {
                s.copyOfDisk(Path.of(d.substring("copy:".length())));
            } else if (d.endsWith(",ro")) {
                s.readOnlyDisk(Path.of(d.substring(0, d.length() - 3)));
            } else {
                s.disk(Path.of(d));
            }
        }
        for (String t : g.taps()) {
            int comma = t.indexOf(",mac=");
            s.tap(comma < 0 ? t : t.substring(0, comma), comma < 0 ? null : t.substring(comma + 5));
        }
        s.vmmArgs(g.vmmArgs());
        return s;
    }

    /** {@code 64M}, {@code 1G}, {@code 512K}, or bytes. */
    static long parseSize(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        try {
            return Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1)) << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad disk size '" + text + "': a number with K, M or G (e.g. 64M)");
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        current = context;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        synchronized (this) {
            current = context.getParent().orElse(null);
        }
        closeAll(take(testGuests));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll(take(classGuests));
    }

    private synchronized List<GuestVm> take(List<GuestVm> guests) {
        List<GuestVm> taken = List.copyOf(guests);
        guests.clear();
        return taken;
    }

    private static void closeAll(List<GuestVm> vms) throws InterruptedException {
        InterruptedException interrupted = null;
        for (GuestVm vm : vms) {
            try {
                vm.close();
            } catch (InterruptedException e) {
                interrupted = e;
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }
}
