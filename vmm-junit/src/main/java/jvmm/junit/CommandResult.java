package jvmm.junit;

/**
 * A command run in a guest: its exit status and what it printed (stdout and stderr together,
 * line ends as {@code \n}).
 */
public record CommandResult(int status, String output) {
}
