// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle: one tapwire_exec_event per successful execve.
 *
 * Everything here is read in the kernel because a short-lived process (a curl, a cron job) is gone
 * before the collector could read /proc. The collector adds what /proc still has (exe, cmdline).
 */
#include "tapwire_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "tapwire_events.h"

/* The probe_read helpers are GPL-only: the kernel refuses to load this object under another licence. */
char LICENSE[] SEC("license") = "GPL";

/*
 * A default only: the collector sets the real size with bpf_map__set_max_entries() before load
 * (a power of two and a multiple of the page size, in bytes).
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} tapwire_exec_events SEC(".maps");

/* Ring-buffer reservations that failed (buffer full), per event type, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPWIRE_EVENT_TYPE_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} tapwire_ringbuf_drops SEC(".maps");

static __always_inline void tapwire_count_drop(__u32 event_type)
{
	__u64 *drops = bpf_map_lookup_elem(&tapwire_ringbuf_drops, &event_type);

	/* Per-CPU slot, and tracepoint programs do not nest on one CPU: a plain increment is safe. */
	if (drops)
		*drops += 1;
}

/*
 * The exec filename lives in the tracepoint record, not in task_struct: __data_loc packs the
 * string's offset from the record start (low 16 bits) and its length including the NUL (high 16).
 */
static __always_inline void tapwire_read_exec_filename(struct trace_event_raw_sched_process_exec *ctx,
						       struct tapwire_exec_event *event)
{
	__u32 loc = ctx->__data_loc_filename;
	long copied = bpf_probe_read_kernel_str(event->filename, sizeof(event->filename),
						(void *)ctx + (loc & 0xFFFF));

	if (copied > 0) {
		event->filename_len = copied - 1;
	} else {
		event->filename[0] = '\0';
		event->filename_len = 0;
	}
	event->flags = (loc >> 16) > sizeof(event->filename) ? TAPWIRE_EXEC_FILENAME_TRUNCATED : 0;
}

static __always_inline void tapwire_fill_exec_event(struct trace_event_raw_sched_process_exec *ctx,
						    struct tapwire_exec_event *event)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	event->type = TAPWIRE_EVENT_PROCESS_EXEC;
	event->pid = pid_tgid >> 32;
	event->tid = (__u32)pid_tgid;
	event->ktime_ns = bpf_ktime_get_ns();
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);
	event->cgroup_id = bpf_get_current_cgroup_id();
	event->start_ticks = BPF_CORE_READ(task, start_boottime) / TAPWIRE_NS_PER_TICK;
	event->netns_ino = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	tapwire_read_exec_filename(ctx, event);
}

SEC("tracepoint/sched/sched_process_exec")
int tapwire_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct tapwire_exec_event *event;

	/* Never block or retry: a full buffer costs one counted event, never the traced program's time. */
	event = bpf_ringbuf_reserve(&tapwire_exec_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(TAPWIRE_EVENT_PROCESS_EXEC);
		return 0;
	}
	tapwire_fill_exec_event(ctx, event);
	bpf_ringbuf_submit(event, 0);
	return 0;
}
