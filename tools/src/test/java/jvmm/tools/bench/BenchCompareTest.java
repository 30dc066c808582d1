package jvmm.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jvmm.tools.bench.ToolScripts.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tools/bench --compare OLD NEW}: two figures files side by side, bad input refused. */
class BenchCompareTest {

    @TempDir
    Path dir;

    private static Run bench(String... args) throws IOException, InterruptedException {
        return ToolScripts.run("bench", Map.of(), 60, args);
    }

    /** A figures file as tools/bench writes it: settings, then rows of medians as strings. */
    private Path figures(String name, int runs, String where, String... rows) throws IOException {
        String json = "{\"where\": \"" + where + "\", \"runs\": " + runs + ", \"memory_mib\": 512, \"cpus\": 1,"
                + " \"kernel\": \"default\", \"date\": \"2026-11-28T10:00:00Z\", \"commit\": \"c-" + name + "\","
                + " \"results\": [" + String.join(",", rows) + "]}";
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, json);
        return file;
    }

    private static String row(String metric, String label, String better, String jvmm, String qemu, String ratio) {
        return "{\"metric\": \"" + metric + "\"" + (label == null ? "" : ", \"label\": \"" + label + "\"")
                + ", \"unit\": \"ms\", \"better\": \"" + better + "\", \"jvmm\": [1], \"qemu\": [1],"
                + " \"jvmm_median\": \"" + jvmm + "\", \"qemu_median\": \"" + qemu + "\", \"ratio\": \"" + ratio + "\"}";
    }

    @Test
    void setsMediansChangesAndRatiosSideBySide() throws Exception {
        Path old = figures("old", 3, "sandbox",
                row("ready_from_request", null, "lower", "14660", "17786", "0.82"),
                row("seq_read", null, "higher", "12.10", "10.15", "1.19"),
                row("net_up", null, "higher", "99.7", "117.4", "0.85"));
        Path now = figures("new", 3, "sandbox",
                row("ready_from_request", "start request -> ready line", "lower", "6852", "14416", "0.48"),
                row("seq_read", "block: sequential 1 MiB reads", "higher", "9.68", "10.15", "0.95"),
                row("rand_read", "block: random 4 KiB reads", "higher", "250", "262", "0.95"));

        Run run = bench("--compare", old.toString(), now.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("commit c-old", "commit c-new");
        // Lower is better for a time: 14660 -> 6852 ms is 53.3% less, an improvement.
        assertThat(run.out()).containsPattern("start request -> ready line \\(ms\\) +14660 +6852 +-53\\.3% better +\\| 0\\.82 -> 0\\.48");
        // Higher is better for throughput: 12.10 -> 9.68 MB/s is 20% less, a regression.
        assertThat(run.out()).containsPattern("block: sequential 1 MiB reads \\(ms\\) +12\\.10 +9\\.68 +-20\\.0% worse +\\| 1\\.19 -> 0\\.95");
        assertThat(run.out()).contains("note: only before: net_up", "note: only now: rand_read");
        assertThat(run.out()).doesNotContain("differs");
    }

    @Test
    void namesWhatMakesRowsNotCompare() throws Exception {
        Path old = figures("old", 2, "hardware KVM", row("floor_exit", null, "lower", "nan", "50", "n/a"));
        Path now = figures("new", 5, "inside the KVM sandbox", row("floor_exit", null, "lower", "227", "54", "4.20"));

        Run run = bench("--compare", old.toString(), now.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("floor_exit \\(ms\\) +n/a +227 +n/a +\\| n/a -> 4\\.20");
        assertThat(run.out()).contains("note: floor_exit ran in different places (hardware KVM; now inside the KVM sandbox)",
                "note: runs differs: 2 before, 5 now");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path good = figures("good", 1, "here", row("floor_exit", null, "lower", "1", "1", "1.00"));
        Path text = dir.resolve("table.txt");
        Files.writeString(text, "jvmm vs QEMU microvm\n");
        Path list = dir.resolve("list.json");
        Files.writeString(list, "[1, 2]");
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"results\": [{\"metric\": \"seq_read\"}]}");

        for (String[] args : List.of(
                new String[] {"--compare", good.toString()},
                new String[] {"--compare", dir.resolve("missing.json").toString(), good.toString()},
                new String[] {"--compare", text.toString(), good.toString()},
                new String[] {"--compare", list.toString(), good.toString()},
                new String[] {"--compare", other.toString(), good.toString()})) {
            Run run = bench(args);
            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err().strip()).startsWith("bench: --compare: ").doesNotContain("\n", "Traceback");
        }
        assertThat(bench("--compare", dir.resolve("missing.json").toString(), good.toString()).err())
                .contains("missing.json", "No such file");
        assertThat(bench("--compare", other.toString(), good.toString()).err()).contains("no metric in common");
    }
}
