package io.tapwire.collector.bpf;

/**
 * One successful execve as the kernel saw it (tracepoint sched/sched_process_exec).
 *
 * @param ktimeNs           CLOCK_MONOTONIC when the exec completed, nanoseconds
 * @param pid               thread-group id in the initial pid namespace
 * @param tid               thread id; equal to pid after an exec
 * @param ppid              the real parent's pid (the forking parent, or the reaper that adopted the process)
 * @param cgroupId          cgroup v2 id: the inode of the process's cgroup2 directory
 * @param startTicks        process start in USER_HZ ticks since boot: field 22 of /proc/&lt;pid&gt;/stat;
 *                          with pid it identifies the process across pid reuse
 * @param netnsInode        inode of /proc/&lt;pid&gt;/ns/net
 * @param comm              the task's comm after the exec (at most 15 bytes)
 * @param filename          the path given to execve, as the kernel recorded it
 * @param filenameTruncated whether the kernel cut the path at 255 bytes
 */
public record ExecEvent(
        long ktimeNs,
        int pid,
        int tid,
        int ppid,
        long cgroupId,
        long startTicks,
        long netnsInode,
        String comm,
        String filename,
        boolean filenameTruncated) {
}
