package jvmm.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes the guest that {@link JvmmExtension} boots for a {@link GuestVm} test parameter.
 * Empty values take the VMM's defaults: the default guest (built from Debian packages on first
 * use), 512M, one vCPU, the default kernel command line.
 *
 * <pre>{@code
 * @ExtendWith(JvmmExtension.class)
 * class MyKernelTest {
 *     @Test
 *     void boots(@Guest(kernel = "build/bzImage", cpus = 2) GuestVm vm) throws Exception {
 *         vm.awaitLine("jvmm-guest: ready", Duration.ofMinutes(3));
 *         assertEquals(0, vm.run("dmesg | grep -q 'my driver loaded'", Duration.ofSeconds(30)).status());
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface Guest {

    /** The kernel (bzImage or ELF vmlinux); empty: the default guest's. Relative paths are from the working directory. */
    String kernel() default "";

    /** The initramfs; empty: none with {@link #kernel}, the default guest's without. */
    String initrd() default "";

    /** Replaces the kernel command line; empty: the VMM's default. */
    String cmdline() default "";

    /** Words appended to the kernel command line. */
    String appendCmdline() default "";

    /** Guest RAM, e.g. 512M or 2G; empty: the VMM's default (512M). */
    String memory() default "";

    /** vCPUs; 0: the VMM's default (1). */
    int cpus() default 0;

    /** The console on virtio-console hvc0 instead of the serial port. */
    boolean virtioConsole() default false;

    /**
     * Disks, vda first: {@code "PATH"}, {@code "PATH,ro"}, {@code "scratch:SIZE"} (a blank sparse
     * file, e.g. {@code scratch:64M}) or {@code "copy:PATH"} (a private copy); made files are
     * deleted at teardown. {@code copy:default-rootfs} copies the default guest's ext4 root.
     */
    String[] disks() default {};

    /**
     * NICs on existing TAP interfaces, in order: {@code "NAME"} or {@code "NAME,mac=MAC"} (see
     * {@link GuestSpec#tap}).
     */
    String[] taps() default {};

    /** Extra {@code vmm run} arguments. */
    String[] vmmArgs() default {};
}
