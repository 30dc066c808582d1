package jvmm.vmm.boot;

import static jvmm.vmm.boot.BootTests.runsCommand;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import jvmm.junit.GuestSpec;
import jvmm.junit.GuestVm;
import jvmm.junit.JvmmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The i8042 on the real guest: Linux's i8042 and atkbd drivers find an AT keyboard on IRQ 1,
 * with the default command line (i8042.dumbkbd: atkbd sends the keyboard nothing) and without
 * it (atkbd resets and identifies the keyboard through our replies and IRQ 1 edges). Each test
 * is one boot of the default guest.
 *
 * <p>Ctrl-Alt-Del: until the control API can ask the VMM for it ({@code Vmm.sendCtrlAltDel},
 * whose bytes I8042Test pins), the guest puts the same set 1 bytes in the controller's output
 * buffer itself (command 0xd2, "write keyboard output buffer"), so that everything after the
 * queue is proven here: IRQ 1 delivery, atkbd, the console's Ctrl-Alt-Del, the kernel's
 * restart with reboot=k and the CPU reset that ends the VMM.
 */
class KeyboardBootIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final String KEYBOARD = "N: Name=\"AT Translated Set 2 keyboard\"";
    /** /proc/interrupts: Linux's number for IOAPIC pin 1, its count on the one vCPU, "1-edge", "i8042". */
    private static final String IRQ_1 = "(?m)^\\s*\\d+:\\s+%s\\s+\\S+\\s+1-edge\\s+i8042\\b";
    /** Ctrl, Alt, Delete down, then up, in set 1 (what the translating controller gives Linux). */
    private static final String CTRL_ALT_DEL_SET_1 = "0x1d 0x38 0xe0 0x53 0xe0 0xd3 0xb8 0x9d";
    private static final String SHOW_KEYBOARD = "cat /proc/bus/input/devices; grep i8042 /proc/interrupts; ";

    @RegisterExtension
    static final JvmmExtension JVMM = new JvmmExtension();

    @Test
    void defaultGuestFindsTheKeyboardOnIrq1AndCtrlAltDelRebootsIt() throws Exception {
        String pressKeys = "for b in " + CTRL_ALT_DEL_SET_1 + "; do jvmm-outb 0x64 0xd2; jvmm-outb 0x60 $b; done; ";
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest()
                .appendCmdline(runsCommand(SHOW_KEYBOARD + pressKeys + "sleep 60; echo no-reboot")));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console())
                .contains(KEYBOARD)
                .containsPattern("(?m)^H: Handlers=.*\\bkbd\\b") // the console's keyboard, which knows Ctrl-Alt-Del
                .containsPattern("(?m)^I: Bus=0011 .*Version=ab00") // i8042.dumbkbd: not identified
                .containsPattern(IRQ_1.formatted("\\d+"))
                .doesNotContain("no-reboot");
        assertThat(vm.vmmLog()).contains("the guest reset the CPU through the i8042");
    }

    @Test
    void withoutDumbkbdAtkbdIdentifiesTheKeyboardThroughIrq1() throws Exception {
        String cmdline = GuestSpec.DEFAULT_CMDLINE.replace(" i8042.dumbkbd", "");
        assertThat(cmdline).doesNotContain("dumbkbd");
        GuestVm vm = JVMM.boot(GuestSpec.defaultGuest().cmdline(cmdline)
                .appendCmdline(runsCommand(SHOW_KEYBOARD + "dmesg | grep -iE 'i8042|atkbd|keylock'")));
        assertThat(vm.awaitExit(TIMEOUT)).as(vm.console()).isZero();
        assertThat(vm.console())
                .contains(KEYBOARD)
                .containsPattern("(?m)^I: Bus=0011 .*Version=ab41") // the ID (0xab 0x83) it read, translated
                .containsPattern(IRQ_1.formatted("[1-9]\\d*"))
                .doesNotContain("Keylock active");
    }
}
