/*
 * The floor of syscall capture (bin/run-benchmark-syscall-floor): programs that do nothing (-DEMPTY: the kernel's
 * dispatch alone), or only what any capture that times a call must do: the clock into task-local storage at enter,
 * read back at exit. They sit where bpf/src/main/bpf/tapwire_l7.bpf.c's do (-DRAW: the raw sys_enter and sys_exit
 * tracepoints, returning at once for any syscall but the payload ones), or on the per-syscall tracepoints that it
 * used before (tracepoint/syscalls/sys_enter_<name>); tcp_probe in both. What Tapwire's programs cost beyond this
 * is the capture's own work.
 */
#include "tapwire_vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tapwire_syscalls.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} total SEC(".maps");

static __always_inline int enter(void)
{
#ifdef EMPTY
	return 0;
#else
	__u64 *t = bpf_task_storage_get(&starts, (struct task_struct *)bpf_get_current_task_btf(), 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		*t = bpf_ktime_get_ns();
	return 0;
#endif
}

static __always_inline int leave(void)
{
#ifdef EMPTY
	return 0;
#else
	__u32 zero = 0;
	__u64 *t = bpf_task_storage_get(&starts, (struct task_struct *)bpf_get_current_task_btf(), 0, 0);
	__u64 *sum;
	if (!t || !*t)
		return 0;
	sum = bpf_map_lookup_elem(&total, &zero);
	if (sum)
		__sync_fetch_and_add(sum, bpf_ktime_get_ns() - *t);
	*t = 0;
	return 0;
#endif
}

#ifdef RAW
/* The same test as tapwire_l7.bpf.c's: is this one of the payload syscalls? */
static __always_inline bool payload(long nr)
{
	__u8 direction;

	return tapwire_l7_syscall_of(nr, &direction) != 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long nr) { return payload(nr) ? enter() : 0; }
SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret) { return payload(TAPWIRE_SYSCALL_NR(regs)) ? leave() : 0; }
#else
#define HOOKS(name)                                                                          \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                          \
	int name##_enter(struct trace_event_raw_sys_enter *ctx) { return enter(); }          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                           \
	int name##_exit(struct trace_event_raw_sys_exit *ctx) { return leave(); }

HOOKS(read)
HOOKS(readv)
HOOKS(recvmsg)
HOOKS(recvmmsg)
HOOKS(write)
HOOKS(writev)
HOOKS(sendto)
HOOKS(sendmsg)
HOOKS(sendmmsg)
HOOKS(recvfrom)
HOOKS(sendfile64)
HOOKS(splice)

#endif

SEC("tp_btf/tcp_probe")
int BPF_PROG(probe, struct sock *sk, struct sk_buff *skb) { return 0; }
