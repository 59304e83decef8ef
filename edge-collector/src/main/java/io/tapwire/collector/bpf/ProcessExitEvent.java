package io.tapwire.collector.bpf;

/**
 * The end of a whole process: its last thread passed do_exit() (tracepoint sched/sched_process_exit).
 * Reported once per process, by whichever thread was last, which is not always the group leader.
 *
 * @param ktimeNs    CLOCK_MONOTONIC at the exit, nanoseconds
 * @param task       the process, with the last thread's tid and comm
 * @param startTicks process start in USER_HZ ticks since boot
 * @param ppid       real parent at the exit
 * @param uid        real user id
 * @param waitStatus the status wait(2) reports: exit status &lt;&lt; 8, 0x80 if a core was dumped,
 *                   the killing signal in the low 7 bits
 */
public record ProcessExitEvent(long ktimeNs, KernelTask task, long startTicks, int ppid, int uid, int waitStatus)
        implements KernelEvent {

    @Override
    public EventType type() {
        return EventType.PROCESS_EXIT;
    }

    /** WIFSIGNALED. */
    public boolean killedBySignal() {
        return signal() != 0;
    }

    /** WTERMSIG: the signal that killed the process, 0 if it exited. */
    public int signal() {
        return waitStatus & 0x7f;
    }

    /** WEXITSTATUS: 0-255, meaningful when not {@link #killedBySignal()}. */
    public int exitStatus() {
        return (waitStatus >> 8) & 0xff;
    }

    /** WCOREDUMP. */
    public boolean coreDumped() {
        return (waitStatus & 0x80) != 0;
    }
}
