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
 * Fields that the kernel keeps inside anonymous unions (sock_common's addresses and ports,
 * tcp_skb_cb's tcp_gso_segs) are listed flat: libbpf looks through anonymous members when it
 * matches a field by name. A field added here must exist on every target kernel, or its read must be
 * guarded with bpf_core_field_exists().
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
typedef unsigned int uid_t;
typedef unsigned short umode_t;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* Map types used in SEC(".maps") definitions; values from include/uapi/linux/bpf.h (stable ABI). */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_SK_STORAGE = 24,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

/* bpf_map_update_elem() flags (include/uapi/linux/bpf.h). */
#define BPF_ANY 0
#define BPF_NOEXIST 1
/* map_flags a local-storage map requires, and bpf_task_storage_get()'s and bpf_sk_storage_get()'s flag to create the value. */
#define BPF_F_NO_PREALLOC 1
#define BPF_LOCAL_STORAGE_GET_F_CREATE 1

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	uid_t val;
} kuid_t;

struct ns_common {
	unsigned int inum; /* the inode number /proc/<pid>/ns/<type> shows */
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct nsproxy {
	struct net *net_ns;
} __attribute__((preserve_access_index));

struct kernfs_node {
	__u64 id; /* the cgroup2 directory's inode number: what bpf_get_current_cgroup_id() returns */
} __attribute__((preserve_access_index));

struct cgroup {
	struct kernfs_node *kn;
} __attribute__((preserve_access_index));

struct css_set {
	struct cgroup *dfl_cgrp; /* the task's cgroup in the v2 (default) hierarchy */
} __attribute__((preserve_access_index));

struct cred {
	kuid_t uid;
} __attribute__((preserve_access_index));

struct signal_struct {
	atomic_t live; /* threads of the group that have not yet passed do_exit()'s group_dead test */
} __attribute__((preserve_access_index));

struct inode {
	umode_t i_mode;
	unsigned long i_ino;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
	void *private_data; /* struct socket * for a socket file */
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

/*
 * The registers a syscall was entered with (the raw sys_enter/sys_exit tracepoints pass them). Each architecture names
 * them differently; build-bpf.sh defines __TARGET_ARCH_<arch>.
 */
#if defined(__TARGET_ARCH_x86)
struct pt_regs {
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax; /* the syscall number */
} __attribute__((preserve_access_index));

struct thread_info {
	__u32 status; /* TS_COMPAT: the task is in a 32-bit syscall */
} __attribute__((preserve_access_index));
#elif defined(__TARGET_ARCH_arm64)
struct pt_regs {
	__u64 regs[31];
	__u64 orig_x0;   /* the first argument: x0 holds the return value at exit */
	__s32 syscallno; /* the syscall number */
} __attribute__((preserve_access_index));

struct thread_info {
	unsigned long flags; /* TIF_32BIT: an AArch32 task */
} __attribute__((preserve_access_index));
#else
#error "tapwire_vmlinux.h: pt_regs and thread_info are defined for x86 and arm64 only"
#endif

struct task_struct {
	struct thread_info thread_info;
	unsigned int flags; /* PF_* */
	pid_t pid;          /* the thread id */
	pid_t tgid;         /* the process id */
	int exit_code;      /* wait status: exit status << 8 | 0x80 if core dumped | killing signal */
	char comm[16];
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	/* Named real_start_time before Linux 5.5; Tapwire needs 5.8+ for BPF ring buffers anyway. */
	__u64 start_boottime;
	struct nsproxy *nsproxy;
	struct signal_struct *signal;
	struct css_set *cgroups;
	struct files_struct *files;
	const struct cred *real_cred;
} __attribute__((preserve_access_index));

struct in6_addr {
	__u8 u6_addr8[16];
} __attribute__((preserve_access_index));

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num; /* local port, host byte order */
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
	unsigned long skc_flags; /* sk->sk_flags: SOCK_* bits */
} __attribute__((preserve_access_index));

struct socket;

/* Bit numbers in sock_common.skc_flags (sk_flags); CO-RE relocates the values (bpf_core_enum_value). */
enum sock_flags {
	SOCK_DONE = 1, /* set by tcp_fin(): the peer's FIN arrived, in order */
};

struct sock {
	struct sock_common __sk_common;
	struct socket *sk_socket; /* NULL once the socket is orphaned (its file closed) or not yet accepted */
	int sk_err;
	__u16 sk_protocol; /* a plain u16 since Linux 5.6 (a bitfield before) */
	__u16 sk_type;
} __attribute__((preserve_access_index));

/*
 * inet_sport keeps the local port (network order) after close: skc_num is zeroed by inet_put_port(),
 * which runs before the TCP_CLOSE state change is traced.
 */
struct inet_sock {
	__be16 inet_sport;
} __attribute__((preserve_access_index));

struct socket {
	struct file *file;
	struct sock *sk;
} __attribute__((preserve_access_index));

/* SOCK_INODE(socket): the inode lives right behind the struct socket it was allocated with. */
struct socket_alloc {
	struct socket socket;
	struct inode vfs_inode;
} __attribute__((preserve_access_index));

struct tcp_sock {
	__u32 srtt_us;        /* smoothed RTT in microseconds, shifted left by 3 */
	__u32 total_retrans;  /* segments retransmitted over the connection's life */
	__u64 bytes_received; /* sequence space received in order: payload, plus 1 for the peer's FIN */
	__u64 bytes_acked;    /* sequence space acknowledged: payload, plus 1 each for the SYN (active open) and FIN */
	__u32 snd_una;        /* first byte not yet acknowledged */
	__u32 write_seq;      /* one past the last byte queued, FIN included */
	__u32 copied_seq;     /* the next byte the application reads */
	__u32 rcv_nxt;        /* the next byte expected from the peer */
} __attribute__((preserve_access_index));

struct sk_buff {
	char cb[48]; /* control block: struct tcp_skb_cb while the skb is in TCP's queues */
} __attribute__((preserve_access_index));

struct tcp_skb_cb {
	__u16 tcp_gso_segs; /* tcp_skb_pcount(): segments this skb stands for */
} __attribute__((preserve_access_index));

/*
 * Classic tracepoint records. On 6.18 the format files under /sys/kernel/tracing/events/ give the
 * offsets; CO-RE relocates them if another kernel moves them.
 */
struct trace_event_raw_sched_process_exec {
	__u32 __data_loc_filename;
} __attribute__((preserve_access_index));

/* group_dead exists on newer kernels (6.18 has it); older ones share the template record without it. */
struct trace_event_raw_sched_process_exit {
	bool group_dead;
} __attribute__((preserve_access_index));

struct trace_event_raw_sched_process_template {
	pid_t pid;
} __attribute__((preserve_access_index));

/* Older kernels record only the pid; 6.18 also has the comm and the rss fields. */
struct trace_event_raw_mark_victim {
	int pid;
	__u32 __data_loc_comm;
	unsigned long anon_rss;  /* kB */
	unsigned long file_rss;  /* kB */
	unsigned long shmem_rss; /* kB */
} __attribute__((preserve_access_index));

struct trace_event_raw_inet_sock_set_state {
	const void *skaddr;
	int oldstate;
	int newstate;
	__u16 protocol;
} __attribute__((preserve_access_index));

/* Newer kernels (6.18) also fire for failed attempts and say so in err; older ones fire only on success. */
struct trace_event_raw_tcp_retransmit_skb {
	const void *skbaddr;
	const void *skaddr;
	int state;
	int err;
} __attribute__((preserve_access_index));

struct trace_event_raw_sys_enter {
	long id;
	unsigned long args[6];
} __attribute__((preserve_access_index));

struct trace_event_raw_sys_exit {
	long id;
	long ret;
} __attribute__((preserve_access_index));

#endif /* TAPWIRE_VMLINUX_H */
