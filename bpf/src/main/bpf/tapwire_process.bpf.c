// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle: START (a new process), EXEC, EXIT (the whole process), OOM_KILL.
 *
 * Everything here is read in the kernel because a short-lived process (a curl, a cron job) is gone
 * before the collector could read /proc. The collector adds what /proc still has (exe, cmdline).
 * This object also owns the maps every Tapwire object shares (tapwire_common.bpf.h) and keeps the
 * excluded-pid set current: children of excluded processes join it, freed pids leave it.
 */
#include "tapwire_common.bpf.h"
#include <bpf/bpf_tracing.h>

/* The probe_read helpers are GPL-only: the kernel refuses to load this object under another licence. */
char LICENSE[] SEC("license") = "GPL";

#define TAPWIRE_CLONE_THREAD 0x00010000 /* CLONE_THREAD: a new thread of the same process */

/*
 * A default only: the collector sets the real size with bpf_map__set_max_entries() before load
 * (a power of two and a multiple of the page size, in bytes).
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} tapwire_process_events SEC(".maps");

static __always_inline void tapwire_fill_process(struct tapwire_process_event *event, struct task_struct *task)
{
	event->start_ticks = tapwire_start_ticks(task);
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);
	event->uid = BPF_CORE_READ(task, real_cred, uid.val);
	event->exit_code = 0;
	event->flags = 0;
	event->oom_rss_bytes = 0;
}

/*
 * tp_btf rather than the classic tracepoint: the classic record has the child's thread id but not
 * its task_struct, and the child's tgid, start time and cgroup are only in the task_struct.
 * It fires in the parent, after the child is fully set up (cgroup_post_fork() has run).
 */
SEC("tp_btf/task_newtask")
int BPF_PROG(tapwire_newtask, struct task_struct *task, __u64 clone_flags)
{
	struct tapwire_process_event *event;
	__u32 child, parent;
	__u32 *exclusion;

	if (clone_flags & TAPWIRE_CLONE_THREAD)
		return 0;
	if (tapwire_is_kernel_thread(task))
		return 0;
	child = BPF_CORE_READ(task, tgid);
	parent = bpf_get_current_pid_tgid() >> 32;
	exclusion = bpf_map_lookup_elem(&tapwire_excluded_pids, &parent);
	if (exclusion && *exclusion != TAPWIRE_EXCLUDED_ALONE) {
		__u32 inherited = TAPWIRE_EXCLUDED_INHERITED;

		/* Before the child runs: nothing it does is ever seen. A full map leaves it visible. */
		bpf_map_update_elem(&tapwire_excluded_pids, &child, &inherited, BPF_ANY);
		return 0;
	}
	/* Never block or retry: a full buffer costs one counted event, never the traced program's time. */
	event = bpf_ringbuf_reserve(&tapwire_process_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(TAPWIRE_EVENT_PROCESS_START);
		return 0;
	}
	tapwire_fill_task(&event->task, TAPWIRE_EVENT_PROCESS_START, task);
	tapwire_fill_process(event, task);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

/*
 * The exec filename lives in the tracepoint record, not in task_struct: __data_loc packs the
 * string's offset from the record start (low 16 bits) and its length including the NUL (high 16).
 */
static __always_inline void tapwire_read_exec_filename(struct trace_event_raw_sched_process_exec *ctx,
						       struct tapwire_exec_event *event)
{
	__u32 loc = BPF_CORE_READ(ctx, __data_loc_filename);
	long copied = bpf_probe_read_kernel_str(event->filename, sizeof(event->filename),
						(void *)ctx + (loc & 0xFFFF));

	if (copied > 0) {
		event->filename_len = copied - 1;
	} else {
		event->filename[0] = '\0';
		event->filename_len = 0;
	}
	if ((loc >> 16) > sizeof(event->filename))
		event->process.flags |= TAPWIRE_EXEC_FILENAME_TRUNCATED;
}

SEC("tracepoint/sched/sched_process_exec")
int tapwire_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	struct tapwire_exec_event *event;

	if (tapwire_current_excluded())
		return 0;
	event = bpf_ringbuf_reserve(&tapwire_process_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(TAPWIRE_EVENT_PROCESS_EXEC);
		return 0;
	}
	tapwire_fill_current_task(&event->process.task, TAPWIRE_EVENT_PROCESS_EXEC);
	tapwire_fill_process(&event->process, current);
	event->reserved = 0;
	tapwire_read_exec_filename(ctx, event);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

/*
 * Whether the exiting thread is the process's last. do_exit() decides it once, atomically
 * (atomic_dec_and_test(&signal->live)), before this tracepoint; kernels that pass that decision in
 * the record (6.18 does) are exact. On older kernels live == 0 is read instead: if the last two
 * threads exit at the same moment both can see 0 and the EXIT is reported twice, never missed.
 */
static __always_inline bool tapwire_group_dead(void *ctx, struct task_struct *current)
{
	struct trace_event_raw_sched_process_exit *exit = ctx;

	if (bpf_core_field_exists(exit->group_dead))
		return BPF_CORE_READ(exit, group_dead);
	return BPF_CORE_READ(current, signal, live.counter) == 0;
}

/*
 * EXIT is reported once per process, by the thread that ends it: the last to exit, which is not
 * always the group leader (the leader may have called pthread_exit() earlier). Its exit_code is the
 * process's wait status: for a group exit (exit_group(), a fatal signal) every thread exits with the
 * group's code.
 */
SEC("tracepoint/sched/sched_process_exit")
int tapwire_exit(void *ctx)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	struct tapwire_process_event *event;

	if (!tapwire_group_dead(ctx, current) || tapwire_is_kernel_thread(current))
		return 0;
	if (tapwire_current_excluded())
		return 0;
	event = bpf_ringbuf_reserve(&tapwire_process_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(TAPWIRE_EVENT_PROCESS_EXIT);
		return 0;
	}
	tapwire_fill_current_task(&event->task, TAPWIRE_EVENT_PROCESS_EXIT);
	tapwire_fill_process(event, current);
	event->exit_code = BPF_CORE_READ(current, exit_code);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

/*
 * A pid leaves the excluded set when its task is freed, not when it exits: the sockets a process
 * still holds are closed after sched_process_exit, and their events must stay excluded. The pid
 * can only be reused after this point (or, at pid wrap-around, within one RCU grace period before it).
 */
SEC("tracepoint/sched/sched_process_free")
int tapwire_free(struct trace_event_raw_sched_process_template *ctx)
{
	__u32 pid = BPF_CORE_READ(ctx, pid);

	bpf_map_delete_elem(&tapwire_excluded_pids, &pid);
	return 0;
}

/* The record's comm and rss fields exist on 6.18 but not on older kernels (pid only). */
static __always_inline void tapwire_read_victim(struct trace_event_raw_mark_victim *ctx,
						struct tapwire_process_event *event)
{
	if (bpf_core_field_exists(ctx->anon_rss)) {
		__u64 kb = BPF_CORE_READ(ctx, anon_rss) + BPF_CORE_READ(ctx, file_rss) + BPF_CORE_READ(ctx, shmem_rss);

		event->oom_rss_bytes = kb * 1024;
	} else {
		event->flags |= TAPWIRE_OOM_RSS_UNKNOWN;
	}
	if (bpf_core_field_exists(ctx->__data_loc_comm)) {
		__u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		bpf_probe_read_kernel_str(event->task.comm, sizeof(event->task.comm), (void *)ctx + (loc & 0xFFFF));
	}
}

/*
 * oom/mark_victim runs in the task whose allocation failed, which chose the victim. The victim's
 * task_struct is not in the classic record (and the BTF-typed one changed signature across
 * kernels), so the victim's identity beyond pid and comm is only filled when it is the current task.
 */
SEC("tracepoint/oom/mark_victim")
int tapwire_oom(struct trace_event_raw_mark_victim *ctx)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	struct tapwire_process_event *event;
	__u32 victim = BPF_CORE_READ(ctx, pid);

	if (tapwire_pid_excluded(victim))
		return 0;
	event = bpf_ringbuf_reserve(&tapwire_process_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(TAPWIRE_EVENT_PROCESS_OOM_KILL);
		return 0;
	}
	if (victim == (__u32)(bpf_get_current_pid_tgid() >> 32)) {
		tapwire_fill_current_task(&event->task, TAPWIRE_EVENT_PROCESS_OOM_KILL);
		tapwire_fill_process(event, current);
	} else {
		__builtin_memset(event, 0, sizeof(*event));
		event->task.type = TAPWIRE_EVENT_PROCESS_OOM_KILL;
		event->task.pid = victim;
		event->task.ktime_ns = bpf_ktime_get_ns();
		event->flags = TAPWIRE_OOM_VICTIM_NOT_CURRENT;
	}
	tapwire_read_victim(ctx, event);
	bpf_ringbuf_submit(event, 0);
	return 0;
}
