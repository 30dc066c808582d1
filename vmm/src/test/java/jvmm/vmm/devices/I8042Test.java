package jvmm.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {

    private static final int OBF = 0x01;
    private static final int KEYLOCK_OFF = 0x10;
    private static final List<Integer> CTRL_ALT_DEL_SET_1 = List.of(0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d);
    private static final List<Integer> CTRL_ALT_DEL_SET_2 =
            List.of(0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0, 0x71, 0xf0, 0x11, 0xf0, 0x14);

    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger edges = new AtomicInteger();
    private final I8042 kbd = new I8042(resets::incrementAndGet, edges::incrementAndGet);

    private int status() {
        byte[] b = new byte[1];
        kbd.read(I8042.COMMAND_OFFSET, b);
        return b[0] & 0xff;
    }

    private int readData() {
        byte[] b = new byte[1];
        kbd.read(I8042.DATA_OFFSET, b);
        return b[0] & 0xff;
    }

    private void command(int value) {
        kbd.write(I8042.COMMAND_OFFSET, new byte[] {(byte) value});
    }

    private void data(int value) {
        kbd.write(I8042.DATA_OFFSET, new byte[] {(byte) value});
    }

    /** What Linux's interrupt handler does: while the status shows a byte, read it. */
    private List<Integer> drain() {
        List<Integer> bytes = new ArrayList<>();
        while ((status() & OBF) != 0) {
            bytes.add(readData());
        }
        return bytes;
    }

    private int readCtr() {
        command(0x20);
        assertThat(status() & OBF).isEqualTo(OBF);
        return readData();
    }

    private void writeCtr(int value) {
        command(0x60);
        data(value);
    }

    /** Linux's i8042_controller_init and i8042_enable_kbd_port, after its self-test. */
    private void linuxEnablesTheKeyboardPort() {
        int ctr = readCtr();
        writeCtr((ctr | I8042.CTR_KBD_DISABLED) & ~I8042.CTR_KBD_INT);
        writeCtr(ctr & ~I8042.CTR_KBD_DISABLED | I8042.CTR_KBD_INT);
        drain();
        edges.set(0);
    }

    @Test
    void resetCommandEndsTheVm() {
        command(0xfe);
        assertThat(resets.get()).isEqualTo(1);
    }

    @Test
    void resetCommandStillEndsTheVmWithKeysAndRepliesWaiting() {
        linuxEnablesTheKeyboardPort();
        data(0xf2);
        assertThat(kbd.sendCtrlAltDel()).isTrue();
        command(0xaa);
        command(0xfe);
        assertThat(resets.get()).isEqualTo(1);
    }

    @Test
    void writingTheOutputPortWithTheResetLineLowEndsTheVmAndWithItHighDoesNot() {
        command(0xd1);
        data(0x03);
        assertThat(resets.get()).isZero();
        command(0xd0);
        assertThat(readData()).isEqualTo(0x03);
        command(0xd1);
        data(0x02);
        assertThat(resets.get()).isEqualTo(1);
    }

    @Test
    void selfTestAnswers0x55ThroughTheOutputBuffer() {
        assertThat(status() & OBF).isZero();
        command(0xaa);
        assertThat(status() & OBF).isEqualTo(OBF);
        assertThat(readData()).isEqualTo(0x55);
        assertThat(status() & OBF).isZero();
    }

    @Test
    void controlByteCanBeWrittenAndReadBack() {
        writeCtr(0x47);
        assertThat(readCtr()).isEqualTo(0x47);
        assertThat(resets.get()).isZero();
    }

    @Test
    void linuxProbeSequenceGetsStableAnswersAndNoKeyboardBytes() {
        assertThat(drain()).isEmpty(); // i8042_controller_check: a flush that ends
        assertThat(status() & KEYLOCK_OFF).isEqualTo(KEYLOCK_OFF);
        command(0xaa);
        assertThat(drain()).containsExactly(0x55);
        int first = readCtr();
        assertThat(readCtr()).isEqualTo(first);
        assertThat(first & I8042.CTR_TRANSLATE).as("translation on, as Linux expects").isNotZero();
        writeCtr((first | I8042.CTR_KBD_DISABLED) & ~I8042.CTR_KBD_INT);
        assertThat(readCtr()).isEqualTo((first | I8042.CTR_KBD_DISABLED) & ~I8042.CTR_KBD_INT);
        command(0xab);
        assertThat(drain()).containsExactly(0x00);
        command(0xa9);
        assertThat(drain()).as("no mouse behind the aux port").containsExactly(0x01);
        writeCtr(first & ~I8042.CTR_KBD_DISABLED | I8042.CTR_KBD_INT);
        assertThat(drain()).isEmpty();
    }

    @Test
    void controllerRepliesRaiseIrq1OnlyWhenTheKeyboardInterruptIsEnabled() {
        writeCtr(I8042.CTR_TRANSLATE);
        command(0xaa);
        assertThat(edges.get()).isZero();
        writeCtr(I8042.CTR_TRANSLATE | I8042.CTR_KBD_INT);
        // writing the command byte consumed nothing: the 0x55 still waits, and now the line rises
        assertThat(edges.get()).isEqualTo(1);
        assertThat(drain()).containsExactly(0x55);
        command(0xaa);
        assertThat(edges.get()).isEqualTo(2);
    }

    @Test
    void keyboardResetAnswersAckThenSelfTestPassed() {
        linuxEnablesTheKeyboardPort();
        data(0xff);
        assertThat(drain()).containsExactly(0xfa, 0xaa);
        assertThat(edges.get()).as("one edge per byte").isEqualTo(2);
    }

    @Test
    void getIdAnswersAnMf2KeyboardTranslatedOrNot() {
        linuxEnablesTheKeyboardPort();
        data(0xf2);
        assertThat(drain()).containsExactly(0xfa, 0xab, 0x41);
        writeCtr(I8042.CTR_KBD_INT);
        data(0xf2);
        assertThat(drain()).containsExactly(0xfa, 0xab, 0x83);
    }

    @Test
    void commandsWithAnArgumentAckTheCommandAndTheArgument() {
        linuxEnablesTheKeyboardPort();
        data(0xed);
        data(0x07);
        assertThat(drain()).containsExactly(0xfa, 0xfa);
        data(0xf3);
        data(0x00);
        assertThat(drain()).containsExactly(0xfa, 0xfa);
        data(0xf0);
        data(0x02);
        assertThat(drain()).containsExactly(0xfa, 0xfa);
        data(0xf0);
        data(0x00);
        assertThat(drain()).as("the scan code set query").containsExactly(0xfa, 0xfa, 0x02);
        data(0xee);
        assertThat(drain()).as("echo").containsExactly(0xee);
    }

    @Test
    void aCommandWhereAnArgumentWasExpectedStartsANewCommand() {
        linuxEnablesTheKeyboardPort();
        data(0xed);
        data(0xf2);
        assertThat(drain()).containsExactly(0xfa, 0xfa, 0xab, 0x41);
    }

    @Test
    void theCommandBytesDataByteDoesNotReachTheKeyboard() {
        linuxEnablesTheKeyboardPort();
        writeCtr(0xff & ~I8042.CTR_KBD_DISABLED);
        assertThat(drain()).isEmpty();
    }

    @Test
    void ctrlAltDelComesInSet1WhenTheControllerTranslates() {
        linuxEnablesTheKeyboardPort();
        assertThat(kbd.sendCtrlAltDel()).isTrue();
        assertThat(drain()).isEqualTo(CTRL_ALT_DEL_SET_1);
        assertThat(edges.get()).as("one edge per byte").isEqualTo(CTRL_ALT_DEL_SET_1.size());
    }

    @Test
    void ctrlAltDelComesInSet2WithoutTranslation() {
        linuxEnablesTheKeyboardPort();
        writeCtr(I8042.CTR_KBD_INT | I8042.CTR_SYSTEM_FLAG);
        assertThat(kbd.sendCtrlAltDel()).isTrue();
        assertThat(drain()).isEqualTo(CTRL_ALT_DEL_SET_2);
        assertThat(edges.get()).isEqualTo(CTRL_ALT_DEL_SET_2.size());
    }

    @Test
    void aSecondEdgeComesOnlyOnceTheGuestReadTheFirstByte() {
        linuxEnablesTheKeyboardPort();
        kbd.sendCtrlAltDel();
        assertThat(edges.get()).isEqualTo(1);
        status();
        assertThat(edges.get()).as("reading the status takes nothing").isEqualTo(1);
        readData();
        assertThat(edges.get()).isEqualTo(2);
    }

    @Test
    void keysWaitWhileTheKeyboardPortIsDisabledAndComeWhenEnabled() {
        linuxEnablesTheKeyboardPort();
        command(0xad);
        assertThat(kbd.sendCtrlAltDel()).isTrue();
        assertThat(status() & OBF).isZero();
        assertThat(edges.get()).isZero();
        command(0xae);
        assertThat(edges.get()).isEqualTo(1);
        assertThat(drain()).isEqualTo(CTRL_ALT_DEL_SET_1);
    }

    @Test
    void noKeysWhileScanningIsDisabled() {
        linuxEnablesTheKeyboardPort();
        data(0xf5);
        assertThat(drain()).containsExactly(0xfa);
        assertThat(kbd.sendCtrlAltDel()).isFalse();
        assertThat(drain()).isEmpty();
        data(0xf4);
        assertThat(drain()).containsExactly(0xfa);
        assertThat(kbd.sendCtrlAltDel()).isTrue();
        assertThat(drain()).isEqualTo(CTRL_ALT_DEL_SET_1);
    }

    @Test
    void aFullKeyboardTakesNoPartialSequence() {
        linuxEnablesTheKeyboardPort();
        int sent = 0;
        while (kbd.sendCtrlAltDel()) {
            sent++;
        }
        assertThat(sent).isBetween(1, 3);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            expected.addAll(CTRL_ALT_DEL_SET_1);
        }
        assertThat(drain()).isEqualTo(expected);
        assertThat(kbd.sendCtrlAltDel()).as("room again once read").isTrue();
    }

    @Test
    void aGuestThatNeverReadsCannotQueueRepliesWithoutBound() {
        for (int i = 0; i < 1000; i++) {
            command(0xd2);
            data(i);
        }
        assertThat(drain()).hasSize(1 + I8042.MAX_REPLIES).startsWith(0x00, 0x01);
    }

    @Test
    void keysFromAnotherThreadReachAReadingVcpuWholeAndInOrder() throws Exception {
        linuxEnablesTheKeyboardPort();
        int rounds = 300;
        Thread sender = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                while (!kbd.sendCtrlAltDel()) {
                    Thread.onSpinWait();
                }
            }
        });
        List<Integer> received = new ArrayList<>();
        int expectedBytes = rounds * CTRL_ALT_DEL_SET_1.size();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (received.size() < expectedBytes && System.nanoTime() < deadline) {
            received.addAll(drain());
        }
        sender.join();
        assertThat(received).hasSize(expectedBytes);
        for (int i = 0; i < expectedBytes; i += CTRL_ALT_DEL_SET_1.size()) {
            assertThat(received.subList(i, i + CTRL_ALT_DEL_SET_1.size())).isEqualTo(CTRL_ALT_DEL_SET_1);
        }
        assertThat(edges.get()).isEqualTo(expectedBytes);
    }
}
