package io.tapwire.collector.proc;

/**
 * Target of {@code /proc/<pid>/exe}.
 *
 * @param path    the executable's path, without the kernel's " (deleted)" mark, so that a daemon whose binary a
 *                package upgrade replaced keeps the name it had (and the one the kernel's exec event recorded)
 * @param deleted whether the kernel marked the file as deleted (unlinked or replaced since the exec)
 */
public record Executable(String path, boolean deleted) {

    private static final String DELETED_MARK = " (deleted)";

    /** Reads the kernel's text of the link, which appends " (deleted)" when the file has been unlinked. */
    public static Executable ofLink(String target) {
        return target.endsWith(DELETED_MARK)
                ? new Executable(target.substring(0, target.length() - DELETED_MARK.length()), true)
                : new Executable(target, false);
    }
}
