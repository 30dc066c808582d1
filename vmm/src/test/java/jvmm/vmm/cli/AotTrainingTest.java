package jvmm.vmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AotTrainingTest {

    @Test
    void commandLinesAreSplitAtEachSeparator() {
        assertThat(AotTraining.commandLines("run", "--check", "--kernel", "k", ";", "run", "--firmware", "f"))
                .containsExactly(List.of("run", "--check", "--kernel", "k"), List.of("run", "--firmware", "f"));
    }

    @Test
    void emptyCommandLinesAreLeftOut() {
        assertThat(AotTraining.commandLines(";", "--version", ";", ";")).containsExactly(List.of("--version"));
        assertThat(AotTraining.commandLines()).isEmpty();
    }

    @Test
    void aSeparatorInsideAWordIsNotOne() {
        assertThat(AotTraining.commandLines("run", "--cmdline", "a;b")).containsExactly(List.of("run", "--cmdline", "a;b"));
    }
}
