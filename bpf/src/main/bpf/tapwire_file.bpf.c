// SPDX-License-Identifier: GPL-2.0
/*
 * Files opened for writing (log files, volumes): openat() with O_WRONLY or O_RDWR that succeeded.
 *
 * The flags are known at syscall enter, the fd only at exit: enter remembers the arguments of a
 * write-open by thread id, exit reports it if it succeeded. Read-only opens, by far the most
 * frequent, return at the first test.
 */
#include "tapwire_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define TAPWIRE_O_ACCMODE 03 /* O_RDONLY 0, O_WRONLY 1, O_RDWR 2 */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} tapwire_file_events SEC(".maps");

struct tapwire_pending_open {
	__u64 filename; /* user-space pointer to the path */
	__u32 flags;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct tapwire_pending_open);
} tapwire_pending_opens SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tapwire_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct tapwire_pending_open pending = {};
	__u32 tid;

	pending.flags = ctx->args[2];
	if ((pending.flags & TAPWIRE_O_ACCMODE) == 0)
		return 0;
	if (tapwire_current_excluded())
		return 0;
	pending.filename = ctx->args[1];
	pending.mode = ctx->args[3];
	tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&tapwire_pending_opens, &tid, &pending, BPF_ANY);
	return 0;
}

/*
 * The path is read at exit, not enter: the kernel has copied it by then (getname()), so its page
 * is resident and the non-faulting read succeeds. The process cannot have changed it in between
 * without another thread racing its own openat().
 */
static __always_inline void tapwire_read_path(struct tapwire_file_event *event, const char *filename)
{
	long copied = bpf_probe_read_user_str(event->path, sizeof(event->path), filename);
	char next = 0;

	event->path_flags = 0;
	if (copied <= 0) {
		event->path[0] = '\0';
		event->path_len = 0;
		return;
	}
	event->path_len = copied - 1;
	/* A full buffer means the path had at least 255 bytes: was there more? */
	if (copied == sizeof(event->path)
	    && bpf_probe_read_user(&next, 1, filename + sizeof(event->path) - 1) == 0 && next != '\0')
		event->path_flags |= TAPWIRE_FILE_PATH_TRUNCATED;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tapwire_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tapwire_pending_open *pending = bpf_map_lookup_elem(&tapwire_pending_opens, &tid);
	struct tapwire_file_event *event;
	long ret = ctx->ret;

	if (!pending)
		return 0;
	if (ret < 0)
		goto done;
	event = bpf_ringbuf_reserve(&tapwire_file_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(TAPWIRE_EVENT_FILE_OPEN_WRITE);
		goto done;
	}
	tapwire_fill_current_task(&event->task, TAPWIRE_EVENT_FILE_OPEN_WRITE);
	event->start_ticks = tapwire_start_ticks((struct task_struct *)bpf_get_current_task());
	event->fd = ret;
	event->open_flags = pending->flags;
	event->mode = pending->mode;
	tapwire_read_path(event, (const char *)pending->filename);
	bpf_ringbuf_submit(event, 0);
done:
	bpf_map_delete_elem(&tapwire_pending_opens, &tid);
	return 0;
}
