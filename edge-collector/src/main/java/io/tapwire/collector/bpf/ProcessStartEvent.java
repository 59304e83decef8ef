package io.tapwire.collector.bpf;

/**
 * A new process: fork, vfork or clone without CLONE_THREAD (tracepoint task/task_newtask). New
 * threads and kernel threads are not reported.
 *
 * @param ktimeNs    CLOCK_MONOTONIC at the fork, nanoseconds
 * @param task       the child; its comm is still the parent's until it execs
 * @param startTicks the child's start in USER_HZ ticks since boot (field 22 of /proc/&lt;pid&gt;/stat)
 * @param ppid       the child's real parent (the forking process, or its parent with CLONE_PARENT)
 * @param uid        real user id of the child
 */
public record ProcessStartEvent(long ktimeNs, KernelTask task, long startTicks, int ppid, int uid)
        implements KernelEvent {

    @Override
    public EventType type() {
        return EventType.PROCESS_START;
    }
}
