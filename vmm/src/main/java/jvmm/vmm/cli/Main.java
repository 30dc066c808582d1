package jvmm.vmm.cli;

import java.io.PrintWriter;
import java.util.List;
import jvmm.kvm.sys.Prelink;
import jvmm.vmm.HostException;
import jvmm.vmm.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code jvmm} command line. Parses flags into records and hands them on; the only place that
 * turns exceptions into exit codes: 2 for bad user input, 1 for host problems, the VM's own code
 * otherwise. No stack trace unless {@code --log-level debug} (or trace).
 */
public final class Main implements Runnable {

    public static final int EXIT_USAGE = 2;
    public static final int EXIT_HOST = 1;

    /**
     * The subcommands' names, in the order help lists them. Picocli builds an annotated command's
     * model by reflection when the command is added, and even a model built in code costs some
     * start-up; so a command line that names its subcommand gets only that one, and {@code help},
     * {@code --help} or no subcommand get them all.
     */
    private static final List<String> SUBCOMMANDS = List.of("run", "exec", "api", "balloon", "pause", "resume", "help");

    // A switch, not a map of constructor references: with that map JDK 25.0.3 crashed writing the
    // AOT cache (a guarantee in ArchiveHeapWriter), when picocli still came as its jar's class
    // files of version 49, which the cache leaves out, and one of the references created one.
    private static Object subcommand(String name) {
        return switch (name) {
            case "run" -> RunCommand.spec();
            case "exec" -> ExecCommand.spec();
            case "api" -> new ClientCommands.Api();
            case "balloon" -> new ClientCommands.Balloon();
            case "pause" -> new ClientCommands.Pause();
            case "resume" -> new ClientCommands.Resume();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private CommandSpec spec;

    /** The top-level command's model (built in code, as {@link Specs} explains). */
    private static CommandSpec spec() {
        Main main = new Main();
        main.spec = Specs.command("vmm", main);
        main.spec.usageMessage().description("A virtual machine monitor in Java: boots Linux on KVM.");
        return Specs.withHelpOptions(main.spec);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'vmm run --help'");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        if (args.length > 0 && (args[0].equals("run") || args[0].equals("exec"))) {
            Prelink.start(); // FFM's linking, beside picocli's parsing and the kernel's loading
        }
        // Picocli otherwise looks for Groovy's Closure class, and a class that is not there is
        // searched for in every jar of the class path, opening those nothing else needs.
        System.setProperty("picocli.disable.closures", "true");
        // Nor does any option take a java.time or java.sql value: without this, picocli looks up
        // their parse methods by reflection and brings ~170 classes into every start (and so into
        // the AOT cache, which loads all it holds). A value set by the user is kept.
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
        }
        CommandLine cli = new CommandLine(spec());
        boolean named = args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.contains(args[0]);
        for (String name : named ? List.of(args[0]) : SUBCOMMANDS) {
            cli.addSubcommand(name, subcommand(name));
        }
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> failure(e, cmd.getErr()));
        return cli.execute(args);
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("vmm: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int failure(Exception e, PrintWriter err) {
        int code = switch (e) {
            case ConfigException c -> EXIT_USAGE;
            case HostException h -> h.exitCode();
            default -> EXIT_HOST;
        };
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        err.println("vmm: " + message);
        if (LogLevel.debugEnabled()) {
            e.printStackTrace(err);
        } else if (!(e instanceof ConfigException) && !(e instanceof HostException)) {
            err.println("vmm: (an internal error: run with --log-level debug for the stack trace)");
        }
        err.flush();
        return code;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jvmm " + text() + ", Java " + Runtime.version()};
        }

        /** The version alone: the jar's, or "(development build)". */
        static String text() {
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "(development build)" : v;
        }
    }
}
