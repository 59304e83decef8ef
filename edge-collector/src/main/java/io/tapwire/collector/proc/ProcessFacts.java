package io.tapwire.collector.proc;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What /proc said about one process (one pid and start time) when the collector first read it.
 *
 * @param pid              process id
 * @param startTimeTicks   start time in USER_HZ ticks since boot: (pid, startTimeTicks) names this process
 * @param ppid             parent pid at the read (it changes when the parent exits and the process is reparented)
 * @param comm             process name at the read
 * @param uid              real user id, empty when unreadable
 * @param executable       target of /proc/&lt;pid&gt;/exe, empty for kernel threads and unreadable processes
 * @param cmdline          arguments, empty for kernel threads and unreadable processes
 * @param cgroup           cgroup (cgroup2 line preferred), empty when unreadable
 * @param netNamespaceInode network namespace inode, empty when unreadable
 */
public record ProcessFacts(int pid, long startTimeTicks, int ppid, String comm, OptionalInt uid,
        Optional<Executable> executable, List<String> cmdline, Optional<CgroupPath> cgroup,
        OptionalLong netNamespaceInode) {

    public ProcessFacts {
        cmdline = List.copyOf(cmdline);
    }
}
