package jvmm.vmm.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Picocli command models built in code, for the commands that start a VM ({@code run},
 * {@code exec}) and the top-level command.
 *
 * <p>Picocli reads an annotated command by reflection: every field's annotations, one generated
 * proxy class per annotation type, a method-handle accessor per field. On a real CPU that was
 * ~120 ms of a ~0.32 s floor run (async-profiler, wall), all before the VM could be built, and
 * far more under the KVM sandbox's emulated CPU. A model built here costs none of it: the user
 * object is a plain {@link java.util.concurrent.Callable} that picocli calls without inspecting,
 * and the command reads its values from the {@link ParseResult}. The API's client commands keep
 * their annotations: they are short-lived and start no VM.
 */
final class Specs {

    private Specs() {
    }

    /**
     * A command named {@code name} that calls {@code command} (a {@link java.util.concurrent.Callable}
     * or {@link Runnable}); help lists its options in the order they are added.
     */
    static CommandSpec command(String name, Object command) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name).versionProvider(new Main.Version());
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    /**
     * Adds {@code -h/--help} and {@code -V/--version} after the command's own options, as
     * picocli's standard help mixin does; returns {@code spec}.
     */
    static CommandSpec withHelpOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** A single-valued option taking a string labelled {@code label}. */
    static OptionSpec.Builder text(String name, String label, String... description) {
        return OptionSpec.builder(name).paramLabel(label).type(String.class).description(description);
    }

    /** A single-valued option taking a path. */
    static OptionSpec.Builder path(String name, String label, String... description) {
        return OptionSpec.builder(name).paramLabel(label).type(Path.class).converters(Path::of)
                .description(description);
    }

    /** A repeatable option; its values in order. */
    static OptionSpec.Builder repeated(String name, String label, String... description) {
        return OptionSpec.builder(name).paramLabel(label).type(List.class).auxiliaryTypes(String.class)
                .description(description);
    }

    /** A flag without a value. */
    static OptionSpec.Builder flag(String name, String... description) {
        return OptionSpec.builder(name).arity("0").type(boolean.class).description(description);
    }

    /** The value given for option {@code name}, or {@code otherwise} when it was not given. */
    static <T> T value(ParseResult parsed, String name, T otherwise) {
        return parsed.matchedOptionValue(name, otherwise);
    }

    /** The values given for a repeatable option, in order; empty when it was not given. */
    static List<String> values(ParseResult parsed, String name) {
        List<String> given = parsed.matchedOptionValue(name, List.of());
        return List.copyOf(given);
    }

    /** The parse result of the command {@code spec} describes, once picocli has parsed its arguments. */
    static ParseResult parsed(CommandSpec spec) {
        return spec.commandLine().getParseResult();
    }
}
