package io.tapwire.streams.identity;

import java.util.List;

import io.tapwire.schemas.raw.ProcessSnapshot;

/**
 * What the collector recorded about a process that names its service. Any field may be null: a short-lived
 * client is gone before /proc can be read, so only the kernel's facts (exec filename, comm) remain.
 *
 * @param cgroupPath   path from /proc/&lt;pid&gt;/cgroup, optionally prefixed with {@code controllers:}
 * @param exe          target of /proc/&lt;pid&gt;/exe
 * @param execFilename filename passed to execve, recorded in the kernel
 * @param argv0        the first argument of its command line: the name it was started by
 * @param comm         thread name (of the main thread when read from /proc)
 * @param kernelThread a kernel thread: kthreadd (pid 2) or one of its children, with no executable
 */
public record ProcessFacts(String cgroupPath, String exe, String execFilename, String argv0, String comm,
                           boolean kernelThread) {

    /** kthreadd, the parent of every kernel thread. */
    private static final int KTHREADD = 2;

    /** A process the registry knows, from its record's fields (a builder's unset command line is null). */
    public static ProcessFacts of(int pid, int ppid, String cgroupPath, String exe, String execFilename,
                                  List<?> cmdlineOrNull, String comm) {
        List<?> cmdline = cmdlineOrNull == null ? List.of() : cmdlineOrNull;
        return new ProcessFacts(cgroupPath, exe, execFilename, cmdline.isEmpty() ? null : cmdline.get(0).toString(),
                comm, kernelThread(pid, ppid, exe, cmdline));
    }

    /** A process of an inventory snapshot. */
    public static ProcessFacts of(ProcessSnapshot p) {
        return of(p.getPid(), p.getPpid(), p.getCgroupPath(), p.getExe(), null, p.getCmdline(), p.getComm());
    }

    /** Only the thread name an event carried: a process the registry does not know. */
    public static ProcessFacts ofComm(String comm) {
        return new ProcessFacts(null, null, null, null, comm, false);
    }

    private static boolean kernelThread(int pid, int ppid, String exe, List<?> cmdline) {
        boolean underKthreadd = pid == KTHREADD || ppid == KTHREADD;
        return underKthreadd && exe == null && cmdline.isEmpty();
    }
}
