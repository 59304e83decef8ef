package io.tapwire.collector.proc;

import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} the collector uses.
 *
 * @param pid            process id (field 1)
 * @param comm           process name (field 2, without its parentheses)
 * @param state          state letter (field 3): R, S, D, Z, ...
 * @param ppid           parent process id (field 4)
 * @param startTimeTicks start time in clock ticks (USER_HZ) since boot (field 22): with the pid it names the
 *                       process across pid reuse, and equals what the kernel path derives from start_boottime
 */
public record ProcStat(int pid, String comm, char state, int ppid, long startTimeTicks) {

    /** Field 22 is the 20th space-separated token after the closing parenthesis of comm (fields 3..22). */
    private static final int TOKENS_AFTER_COMM = 20;

    /** Whether the process is a zombie: it has exited and only its parent's wait() keeps it in /proc. */
    public boolean zombie() {
        return state == 'Z';
    }

    /**
     * Parses the text of {@code /proc/<pid>/stat}. comm may hold any byte but NUL, including spaces and
     * parentheses ({@code prctl(PR_SET_NAME)}), so it spans from the first '(' to the <em>last</em> ')': only
     * there does the text after it have a fixed shape.
     *
     * @return the fields, or empty when the text is not a stat line of the expected shape
     */
    public static Optional<ProcStat> parse(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 1 || close < open) {
            return Optional.empty();
        }
        String[] tokens = text.substring(close + 1).trim().split(" +");
        if (tokens.length < TOKENS_AFTER_COMM || tokens[0].length() != 1) {
            return Optional.empty();
        }
        try {
            int pid = Integer.parseInt(text.substring(0, open).trim());
            int ppid = Integer.parseInt(tokens[1]);
            long startTimeTicks = Long.parseLong(tokens[TOKENS_AFTER_COMM - 1]);
            return Optional.of(new ProcStat(pid, text.substring(open + 1, close), tokens[0].charAt(0), ppid,
                    startTimeTicks));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
