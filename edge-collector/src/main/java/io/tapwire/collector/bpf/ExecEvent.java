package io.tapwire.collector.bpf;

/**
 * One successful execve as the kernel saw it (tracepoint sched/sched_process_exec).
 *
 * @param ktimeNs           CLOCK_MONOTONIC when the exec completed, nanoseconds
 * @param task              the process after the exec: tid equals pid, comm is the new one
 * @param startTicks        process start in USER_HZ ticks since boot: field 22 of /proc/&lt;pid&gt;/stat;
 *                          with pid it identifies the process across pid reuse
 * @param ppid              the real parent's pid (the forking parent, or the reaper that adopted the process)
 * @param uid               real user id
 * @param filename          the path given to execve, as the kernel recorded it
 * @param filenameTruncated whether the kernel cut the path at 255 bytes
 */
public record ExecEvent(
        long ktimeNs,
        KernelTask task,
        long startTicks,
        int ppid,
        int uid,
        String filename,
        boolean filenameTruncated) implements KernelEvent {

    @Override
    public EventType type() {
        return EventType.PROCESS_EXEC;
    }
}
