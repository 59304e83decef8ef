package io.tapwire.collector.bpf;

import java.util.OptionalLong;

/**
 * The OOM killer chose a victim (tracepoint oom/mark_victim).
 *
 * @param ktimeNs            CLOCK_MONOTONIC when the victim was marked, nanoseconds
 * @param task               the victim. Its pid and comm are always the victim's; tid, cgroupId and
 *                           netnsInode only when {@code victimWasCurrent}, else 0
 * @param startTicks         the victim's start time in ticks, 0 unless {@code victimWasCurrent}
 * @param ppid               the victim's parent, 0 unless {@code victimWasCurrent}
 * @param uid                the victim's real uid, 0 unless {@code victimWasCurrent}
 * @param rssBytes           anonymous + file + shmem resident memory of the victim as the kernel
 *                           reported it; empty on kernels whose tracepoint has no rss fields
 * @param victimWasCurrent   whether the task that ran out of memory was the victim itself (the
 *                           usual case); if not, the collector must take the victim's identity from
 *                           its earlier events or /proc
 */
public record OomKillEvent(long ktimeNs, KernelTask task, long startTicks, int ppid, int uid,
        OptionalLong rssBytes, boolean victimWasCurrent) implements KernelEvent {

    @Override
    public EventType type() {
        return EventType.PROCESS_OOM_KILL;
    }
}
