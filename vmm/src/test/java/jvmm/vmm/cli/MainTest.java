package jvmm.vmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void versionPrintsAndSucceeds() {
        for (String[] args : new String[][] {{"--version"}, {"run", "--version"}, {"exec", "-V"}}) {
            Outcome o = run(args);
            assertThat(o.code()).as(String.join(" ", args)).isZero();
            assertThat(o.out()).as(String.join(" ", args)).startsWith("jvmm ");
        }
    }

    @Test
    void helpListsEverySubcommand() {
        for (String[] args : new String[][] {{"--help"}, {"help"}}) {
            Outcome o = run(args);
            assertThat(o.code()).isZero();
            assertThat(o.out()).contains("run", "exec", "api", "balloon", "pause", "resume", "help");
        }
    }

    @Test
    void helpForASubcommandIsItsUsage() {
        Outcome o = run("help", "exec");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("vmm exec", "--timeout");
    }

    @Test
    void runHelpListsEveryOption() {
        Outcome o = run("run", "--help");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("--kernel", "--initrd", "--cmdline", "--memory", "--cpus", "--log-level", "--check", "--balloon",
                "--firmware", "--debug-exit", "(V << 1) | 1");
    }

    @Test
    void unknownOptionIsAUsageErrorOnOneLineWithAHint() {
        Outcome o = run("run", "--bogus");
        assertThat(o.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).startsWith("vmm: Unknown option: '--bogus'").contains("--help");
        assertThat(o.err().lines().count()).isEqualTo(2);
    }

    @Test
    void execNeedsACommandAndItsHelpNamesTheExitStatuses() {
        Outcome missing = run("exec");
        assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err()).startsWith("vmm: Missing required parameter: 'CMD").contains("--help");
        Outcome help = run("exec", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--kernel", "--disk", "--timeout", "--console-log", "124", "125")
                .doesNotContain("--stdin-tty");
    }

    @Test
    void anApiSocketThatCanNotBeCreatedIsAUsageErrorNamingIt(@TempDir Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        Outcome o = run("run", "--kernel", kernel.toString(), "--api-socket", dir.resolve("x".repeat(120)).toString());
        assertThat(o.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).startsWith("vmm: --api-socket " + dir.resolve("x".repeat(120)));
        assertThat(o.err().lines().count()).as(o.err()).isEqualTo(1);
    }

    @Test
    void clientsTalkToARealApiSocket(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("api.sock");
        try (var server = jvmm.vmm.api.ApiServer.start(sock,
                new jvmm.vmm.api.ApiRouter(new jvmm.vmm.api.ApiVm("cli-test"), "dev"))) {
            Outcome info = run("api", "--api-socket", sock.toString(), "get", "/");
            assertThat(info.code()).as(info.err()).isZero();
            assertThat(info.out()).contains("\"state\":\"Not started\"");
            Outcome refused = run("balloon", "set", "256M", "--api-socket", sock.toString());
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).startsWith("vmm: PATCH /balloon: HTTP 400 {\"fault_message\":").contains("running VM");
            assertThat(run("pause", "--api-socket", sock.toString()).code()).isEqualTo(1);
        }
    }

    @Test
    void runHelpDescribesExpectMode() {
        assertThat(run("run", "--help").out()).contains("--expect", "--fail-on", "--timeout", "--console-log");
    }

    @Test
    void severalExecWordsAreQuotedForTheShellAndOneIsAShellCommandLine() {
        assertThat(ExecCommand.shellCommand(java.util.List.of("echo hi; exit 3"))).isEqualTo("echo hi; exit 3");
        assertThat(ExecCommand.shellCommand(java.util.List.of("printf", "%s|", "a b", "it's", "$HOME", "")))
                .isEqualTo("printf '%s|' 'a b' 'it'\\''s' '$HOME' ''");
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThat(run().code()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void badValuesNameTheValueAndWhatIsValidWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        for (String[] args : new String[][] {
                {"run", "--kernel", kernel.toString(), "--cpus", "0"},
                {"run", "--kernel", kernel.toString(), "--memory", "lots"},
                {"run", "--kernel", kernel.toString(), "--memory", "8M"},
                {"run", "--kernel", dir.resolve("missing").toString()},
                {"run", "--kernel", kernel.toString(), "--log-level", "loud"},
                {"run", "--kernel", kernel.toString(), "--memory", "100000T"},
                {"run", "--kernel", kernel.toString(), "--timeout", "soon"},
                {"run", "--kernel", kernel.toString(), "--expect", "ready("},
                {"run", "--kernel", kernel.toString(), "--fail-on", "*"},
                {"run", "--kernel", kernel.toString(), "--console-log", dir.resolve("no/such/dir/log").toString()},
                {"run", "--kernel", kernel.toString(), "--disk", "x,speed=fast"},
                {"exec", "--kernel", kernel.toString(), "--timeout", "0", "--", "true"},
                {"exec", "--kernel", kernel.toString(), "--stdin-tty", "maybe", "--", "true"},
                {"exec", "--kernel", kernel.toString(), "--initrd", kernel.toString(), "--memory", "1X", "--", "true"},
                {"run", "--kernel", kernel.toString(), "--balloon", "amount=lots"},
                {"run", "--kernel", kernel.toString(), "--balloon", "amount=1G"},
                {"run", "--kernel", kernel.toString(), "--balloon", "stats-interval=soon"},
                {"run", "--kernel", kernel.toString(), "--balloon", "inflate"},
                {"run", "--kernel", kernel.toString(), "--config", kernel.toString()},
                {"run", "--config", kernel.toString()},
                {"run", "--config", dir.resolve("missing.json").toString()},
                {"api", "--api-socket", dir.resolve("no.sock").toString(), "GET", "/"},
                {"api", "--api-socket", dir.resolve("no.sock").toString(), "DELETE", "/"},
                {"api", "--api-socket", dir.resolve("no.sock").toString(), "GET", "machine-config"},
                {"balloon", "set", "lots", "--api-socket", dir.resolve("no.sock").toString()},
                {"balloon", "set", "1536K", "--api-socket", dir.resolve("no.sock").toString()},
                {"pause", "--api-socket", dir.resolve("no.sock").toString()}}) {
            Outcome o = run(args);
            assertThat(o.code()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
            assertThat(o.err()).as(String.join(" ", args)).startsWith("vmm: ").doesNotContain("\tat ");
            assertThat(o.err().lines().count()).as(o.err()).isEqualTo(1);
        }
    }

    @Test
    void aFileThatIsNotAKernelIsRefusedBeforeAnyKvmAccess(@TempDir Path dir) throws Exception {
        Path notKernel = Files.write(dir.resolve("notes.txt"), "hello".repeat(200).getBytes(StandardCharsets.US_ASCII));
        Outcome o = run("run", "--kernel", notKernel.toString(), "--check");
        assertThat(o.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).contains("not a kernel").contains(notKernel.toString());
    }

    @Test
    void firmwareOptionsAreCheckedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path fw = Files.write(dir.resolve("fw.bin"), new byte[0x1_0000]);
        Path odd = Files.write(dir.resolve("odd.bin"), new byte[1000]);
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        String[][] bad = {
            {"--firmware", fw.toString(), "--kernel", kernel.toString()},
            {"--firmware", fw.toString(), "--initrd", kernel.toString()},
            {"--firmware", fw.toString(), "--cmdline", "quiet"},
            {"--firmware", odd.toString()},
            {"--firmware", dir.resolve("none.bin").toString()},
            {"--firmware", fw.toString(), "--debug-exit", "iobase=0x3f8"},
            {"--firmware", fw.toString(), "--debug-exit=iobase=x"},
        };
        String[] says = {"--kernel and --firmware exclude each other", "--initrd needs --kernel", "--cmdline needs --kernel",
            "1000 bytes is not a multiple of 4 KiB", "no such file", "COM1", "'x' is not a port number"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 2];
            args[0] = "run";
            args[1] = "--check";
            System.arraycopy(bad[i], 0, args, 2, bad[i].length);
            Outcome o = run(args);
            assertThat(o.code()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
            assertThat(o.err()).as(String.join(" ", args)).startsWith("vmm: ").contains(says[i]);
            assertThat(o.err().lines().count()).as(o.err()).isEqualTo(1);
        }
        Outcome ok = run("run", "--check", "--firmware", fw.toString(), "--debug-exit", "--memory", "32M");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("configuration OK: firmware " + fw);
        Outcome exec = run("exec", "--firmware", fw.toString(), "--", "true");
        assertThat(exec.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(exec.err()).contains("exec needs --kernel or the default guest");
    }
}
