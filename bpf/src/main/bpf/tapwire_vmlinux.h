/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types Tapwire's BPF programs read, and nothing else.
 *
 * `bpftool btf dump file /sys/kernel/btf/vmlinux format c` would give all of them (134k lines on
 * 6.18); this subset keeps every kernel field the programs depend on visible in one screen.
 *
 * Every struct is marked preserve_access_index, so clang emits a CO-RE relocation for each field
 * access and libbpf rewrites the offset at load time from the running kernel's BTF. The structs
 * therefore list only the fields used, in any order; the names and sizes must match the kernel's.
 * A field added here must exist on every target kernel, or its read must be guarded with
 * bpf_core_field_exists().
 */
#ifndef TAPWIRE_VMLINUX_H
#define TAPWIRE_VMLINUX_H

/* Fixed-width types, as the kernel's UAPI defines them; bpf_helper_defs.h needs the __be and __wsum ones. */
typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef int pid_t;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* Map types used in SEC(".maps") definitions; values from include/uapi/linux/bpf.h (stable ABI). */
enum bpf_map_type {
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_RINGBUF = 27,
};

struct ns_common {
	unsigned int inum; /* the inode number /proc/<pid>/ns/<type> shows */
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct nsproxy {
	struct net *net_ns;
} __attribute__((preserve_access_index));

struct task_struct {
	pid_t tgid;
	struct task_struct *real_parent;
	/* Named real_start_time before Linux 5.5; Tapwire needs 5.8+ for BPF ring buffers anyway. */
	__u64 start_boottime;
	struct nsproxy *nsproxy;
} __attribute__((preserve_access_index));

/*
 * The classic tracepoint's record. On 6.18 its format file says __data_loc_filename is at offset 8
 * (after the 8-byte common header); CO-RE relocates the offset if another kernel moves it.
 */
struct trace_event_raw_sched_process_exec {
	__u32 __data_loc_filename;
} __attribute__((preserve_access_index));

#endif /* TAPWIRE_VMLINUX_H */
