/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every Tapwire BPF object shares: the exclusion maps, the drop counters, and the helpers that
 * fill a struct tapwire_task.
 *
 * Each object defines these maps from this header, so each can be loaded on its own (the verifier
 * test does). The collector loads tapwire_process first and hands its maps to the other objects with
 * bpf_map__reuse_fd() before they load: one exclusion set and one drops counter for all of them.
 * The definitions must therefore stay identical in every object; libbpf refuses the reuse otherwise.
 */
#ifndef TAPWIRE_COMMON_BPF_H
#define TAPWIRE_COMMON_BPF_H

#include "tapwire_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "tapwire_events.h"

#define TAPWIRE_PF_KTHREAD 0x00200000 /* PF_KTHREAD in task_struct.flags */

/* Processes Tapwire must not observe (its own), by tgid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} tapwire_excluded_pids SEC(".maps");

/* Local TCP ports whose sockets Tapwire must not observe (its broker, registry, API). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} tapwire_excluded_ports SEC(".maps");

/*
 * Bumped by the collector after every change it makes to the two maps above, so that a program may keep
 * a verdict drawn from them (the L7 hooks keep one per process and fd) for as long as this is unchanged.
 * The kernel's own changes need no bump: it excludes a child before the child runs (a new tgid, never
 * judged before) and removes a pid only when its task is freed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tapwire_exclusions_version SEC(".maps");

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

	/*
	 * Per-CPU slot. A tracepoint program can be interrupted by a softirq one on the same CPU
	 * (a syscall exit by inet_sock_set_state), so the increment is atomic.
	 */
	if (drops)
		__sync_fetch_and_add(drops, 1);
}

static __always_inline bool tapwire_pid_excluded(__u32 tgid)
{
	return bpf_map_lookup_elem(&tapwire_excluded_pids, &tgid) != NULL;
}

static __always_inline bool tapwire_current_excluded(void)
{
	return tapwire_pid_excluded(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline bool tapwire_port_excluded(__u16 local_port)
{
	return bpf_map_lookup_elem(&tapwire_excluded_ports, &local_port) != NULL;
}

/* Read before the maps a verdict is drawn from: a change after this read bumps the version past it. */
static __always_inline __u64 tapwire_exclusions_version_now(void)
{
	__u32 zero = 0;
	__u64 *version = bpf_map_lookup_elem(&tapwire_exclusions_version, &zero);

	return version ? *version : 0;
}

static __always_inline __u32 tapwire_netns_ino(struct task_struct *task)
{
	return BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
}

/*
 * The start time of the task's process in USER_HZ ticks: with the pid it names the process across pid
 * reuse, in every record. The group leader's, as /proc/<pid>/stat reports it, so that all threads of a
 * process agree (a thread's own start_boottime is when that thread was cloned). The leader's
 * task_struct outlives its own exit until the whole group is reaped, so the read is valid from any
 * thread; exec (de_thread) gives the new leader the old leader's start time.
 */
static __always_inline __u64 tapwire_start_ticks(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, start_boottime) / TAPWIRE_NS_PER_TICK;
}

static __always_inline bool tapwire_is_kernel_thread(struct task_struct *task)
{
	return BPF_CORE_READ(task, flags) & TAPWIRE_PF_KTHREAD;
}

/* The current task, which did the syscall or hit the tracepoint in process context. */
static __always_inline void tapwire_fill_current_task(struct tapwire_task *task, __u32 type)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	task->type = type;
	task->pid = pid_tgid >> 32;
	task->tid = (__u32)pid_tgid;
	task->ktime_ns = bpf_ktime_get_ns();
	task->netns_ino = tapwire_netns_ino(current);
	task->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(task->comm, sizeof(task->comm));
}

/* Another task than the current one (a new child): the same fields read from its task_struct. */
static __always_inline void tapwire_fill_task(struct tapwire_task *event, __u32 type, struct task_struct *task)
{
	event->type = type;
	event->pid = BPF_CORE_READ(task, tgid);
	event->tid = BPF_CORE_READ(task, pid);
	event->ktime_ns = bpf_ktime_get_ns();
	event->netns_ino = tapwire_netns_ino(task);
	event->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	BPF_CORE_READ_STR_INTO(&event->comm, task, comm);
}

#endif /* TAPWIRE_COMMON_BPF_H */
