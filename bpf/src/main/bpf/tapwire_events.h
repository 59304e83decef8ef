/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event records the kernel programs write to BPF ring buffers, and map keys user space reads.
 *
 * Read by both sides: the BPF programs include this file, and the Java decoders in
 * edge-collector (io.tapwire.collector.bpf.ExecEventDecoder) mirror every offset below as a
 * constant. Change both together; the _Static_asserts make the compiler reject a layout that no
 * longer matches the documented offsets.
 *
 * Layout rules: little-endian (the host's order; BPF runs in host byte order), every field
 * naturally aligned, no implicit padding, and every record starts with a __u32 event type so one
 * ring buffer can carry several record kinds.
 */
#ifndef TAPWIRE_EVENTS_H
#define TAPWIRE_EVENTS_H

/* Event types: the first __u32 of every record, and the key of the tapwire_ringbuf_drops map. */
#define TAPWIRE_EVENT_PROCESS_EXEC 1
#define TAPWIRE_EVENT_TYPE_COUNT 16 /* upper bound for event type values (drops map size) */

#define TAPWIRE_COMM_LEN 16      /* TASK_COMM_LEN */
#define TAPWIRE_FILENAME_LEN 256 /* longer exec paths are truncated and flagged */

/* /proc/<pid>/stat reports start time in clock ticks of USER_HZ = 100: ns / (NSEC_PER_SEC / USER_HZ). */
#define TAPWIRE_NS_PER_TICK 10000000ULL

/* tapwire_exec_event.flags */
#define TAPWIRE_EXEC_FILENAME_TRUNCATED 0x1

/* One successful execve, from tracepoint sched/sched_process_exec. 320 bytes. */
struct tapwire_exec_event {
	__u32 type;         /*   0  TAPWIRE_EVENT_PROCESS_EXEC */
	__u32 pid;          /*   4  thread-group id in the initial pid namespace (what the host calls the pid) */
	__u64 ktime_ns;     /*   8  bpf_ktime_get_ns(): CLOCK_MONOTONIC, nanoseconds */
	__u32 tid;          /*  16  thread id; equals pid, since exec makes the calling thread the group leader */
	__u32 ppid;         /*  20  real_parent->tgid: the forking parent, or the reaper that adopted it; never a ptracer */
	__u64 cgroup_id;    /*  24  cgroup v2 id (inode of the cgroup2 directory); 1 = root cgroup */
	__u64 start_ticks;  /*  32  task->start_boottime in USER_HZ ticks: field 22 (starttime) of /proc/<pid>/stat */
	__u32 netns_ino;    /*  40  nsproxy->net_ns->ns.inum: the inode of /proc/<pid>/ns/net */
	__u16 filename_len; /*  44  bytes of filename before its NUL, 0..TAPWIRE_FILENAME_LEN-1 */
	__u16 flags;        /*  46  TAPWIRE_EXEC_FILENAME_* bits */
	char comm[TAPWIRE_COMM_LEN];         /*  48  comm after exec, NUL-padded */
	char filename[TAPWIRE_FILENAME_LEN]; /*  64  path given to execve (not resolved through symlinks), NUL-terminated; bytes after the NUL are unspecified */
};

_Static_assert(__builtin_offsetof(struct tapwire_exec_event, pid) == 4, "pid offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, ktime_ns) == 8, "ktime_ns offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, tid) == 16, "tid offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, ppid) == 20, "ppid offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, cgroup_id) == 24, "cgroup_id offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, start_ticks) == 32, "start_ticks offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, netns_ino) == 40, "netns_ino offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, filename_len) == 44, "filename_len offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, flags) == 46, "flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, comm) == 48, "comm offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, filename) == 64, "filename offset");
_Static_assert(sizeof(struct tapwire_exec_event) == 320, "tapwire_exec_event size");

#endif /* TAPWIRE_EVENTS_H */
