// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connection lifecycle: listen, connect (with handshake time or failure), accept, close with
 * final counters, retransmits, and periodic counters of live connections.
 *
 * A connection is named by its socket inode (socket:[inode] in /proc/<pid>/fd). Most TCP state
 * changes and every retransmit happen in softirq context, where the current task is whichever one
 * the interrupt hit. So every socket seen in process context (connect, accept, listen, the first
 * close-side state change of an older socket) is remembered in tapwire_sockets with its owner, and
 * events in softirq context take their task from there. The owner is the process that connected,
 * accepted or listened, not a process that later inherited the fd.
 */
#include "tapwire_common.bpf.h"
#include "tapwire_socket.bpf.h"
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

/* The kernel's tick rate, from its config (libbpf reads /boot/config-<release> or /proc/config.gz); 0 without one. */
extern unsigned long CONFIG_HZ __kconfig __weak;

/*
 * The clock of the STATS rate limit (tapwire_socket.last_stats_ns), and of nothing else: jiffies in ns when the tick
 * rate is known, a memory read, where bpf_ktime_get_ns() costs ~90 ns on this machine's VM and tcp_probe runs for
 * every segment every connection of the node receives. A tick (4 ms at 250 Hz) is nothing against the interval.
 */
static __always_inline __u64 tapwire_stats_clock_ns(void)
{
	if (CONFIG_HZ)
		return bpf_jiffies64() * (1000000000ULL / CONFIG_HZ);
	return bpf_ktime_get_ns();
}

/* Sized by the collector with bpf_map__set_max_entries() before load, like every ring buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} tapwire_tcp_events SEC(".maps");

/* A connect() between its syscall enter and exit, by thread id. */
struct tapwire_pending_connect {
	__u64 sk;
	__s32 fd;
	__u16 family;     /* destination as the caller gave it, for failures before any SYN */
	__u16 port;       /* host order */
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct tapwire_pending_connect);
} tapwire_pending_connects SEC(".maps");

/* TAPWIRE_TCP_SETTING_* values, written by the collector after load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TAPWIRE_TCP_SETTING_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} tapwire_tcp_settings SEC(".maps");

/*
 * The local port, also after close: skc_num is 0 once inet_put_port() ran (before TCP_CLOSE is
 * traced, and after a failed connect), inet_sport usually still has it, the socket map always does.
 */
static __always_inline __u16 tapwire_local_port(struct sock *sk, struct tapwire_socket *owner)
{
	__u16 port = BPF_CORE_READ(sk, __sk_common.skc_num);

	if (!port)
		port = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (!port && owner)
		port = owner->local_port;
	return port;
}

static __always_inline __u8 tapwire_sock_state(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_state);
}

/* Records the current task as the socket's owner; only call this in process context. */
static __always_inline struct tapwire_socket *tapwire_remember_socket(struct sock *sk, __u8 role, __u8 flags)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 key = (__u64)sk;
	struct tapwire_socket owner = {};

	owner.socket_ino = tapwire_sock_ino(sk);
	owner.cgroup_id = bpf_get_current_cgroup_id();
	owner.pid = pid_tgid >> 32;
	owner.tid = (__u32)pid_tgid;
	owner.netns_ino = tapwire_netns_ino(current);
	owner.start_ticks = tapwire_start_ticks(current);
	owner.local_port = tapwire_local_port(sk, NULL);
	owner.role = role;
	owner.flags = flags | (tapwire_pid_excluded(owner.pid) ? TAPWIRE_SOCKET_EXCLUDED : 0);
	/* An accepted socket starts with its SYN-ACK's retransmissions, which tcp_retransmit_skb did not send. */
	owner.reported_retrans = BPF_CORE_READ((struct tcp_sock *)sk, total_retrans);
	bpf_get_current_comm(owner.comm, sizeof(owner.comm));
	bpf_map_update_elem(&tapwire_sockets, &key, &owner, BPF_ANY);
	return bpf_map_lookup_elem(&tapwire_sockets, &key);
}

static __always_inline void tapwire_fill_tuple(struct tapwire_tcp_event *event, struct sock *sk, __u16 local_port)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	event->family = family;
	event->sport = local_port;
	event->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == TAPWIRE_AF_INET6) {
		BPF_CORE_READ_INTO(&event->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&event->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__be32 *)event->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__be32 *)event->daddr, sk, __sk_common.skc_daddr);
	}
}

/*
 * Payload byte counts from tcp_sock's sequence-space counters (see struct tapwire_tcp_event).
 * closing_from is the state a CLOSE leaves, or the current state for other events: our FIN is in
 * bytes_acked only if it was sent (a state after ESTABLISHED or CLOSE_WAIT) and everything up to
 * write_seq, which counts the FIN, is acknowledged.
 */
static __always_inline void tapwire_fill_counters(struct tapwire_tcp_event *event, struct sock *sk, __u8 role,
						  int closing_from)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u64 acked = BPF_CORE_READ(tp, bytes_acked);
	__u64 received = BPF_CORE_READ(tp, bytes_received);
	bool fin_sent = closing_from == TAPWIRE_TCP_FIN_WAIT1 || closing_from == TAPWIRE_TCP_FIN_WAIT2
			|| closing_from == TAPWIRE_TCP_CLOSING || closing_from == TAPWIRE_TCP_LAST_ACK
			|| closing_from == TAPWIRE_TCP_TIME_WAIT;
	unsigned long sk_flags = BPF_CORE_READ(sk, __sk_common.skc_flags);

	if (role == TAPWIRE_ROLE_CLIENT && acked > 0)
		acked -= 1;
	if (fin_sent && acked > 0 && BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq))
		acked -= 1;
	if ((sk_flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))) && received > 0)
		received -= 1;
	event->bytes_acked = acked;
	event->bytes_received = received;
	event->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	event->total_retrans = BPF_CORE_READ(tp, total_retrans);
}

/* Where an event's task comes from. */
enum tapwire_owner_source {
	TAPWIRE_FROM_SOCKET_MAP, /* owner != NULL */
	TAPWIRE_FROM_CURRENT,    /* process context: the task doing the syscall */
	TAPWIRE_FROM_NOBODY,     /* softirq, socket never seen in process context */
};

/*
 * Reserves and fills the fields every TCP event has, or returns NULL when the event must not be
 * emitted: excluded owner or local port, or an unknown owner and no socket inode to name the
 * connection by (a child socket nobody accepted). The caller fills the rest and submits.
 */
static __always_inline struct tapwire_tcp_event *tapwire_tcp_event(__u32 type, struct sock *sk,
								   struct tapwire_socket *owner,
								   enum tapwire_owner_source source)
{
	struct tapwire_tcp_event *event;
	__u64 socket_ino = 0;
	__u16 local_port;

	if (source == TAPWIRE_FROM_SOCKET_MAP) {
		if (!owner || (owner->flags & TAPWIRE_SOCKET_EXCLUDED))
			return NULL;
		socket_ino = owner->socket_ino;
	} else {
		if (source == TAPWIRE_FROM_CURRENT && tapwire_current_excluded())
			return NULL;
		socket_ino = tapwire_sock_ino(sk);
		if (source == TAPWIRE_FROM_NOBODY && socket_ino == 0)
			return NULL;
	}
	local_port = tapwire_local_port(sk, source == TAPWIRE_FROM_SOCKET_MAP ? owner : NULL);
	if (tapwire_port_excluded(local_port))
		return NULL;
	if (source == TAPWIRE_FROM_SOCKET_MAP && owner && local_port)
		owner->local_port = local_port;

	event = bpf_ringbuf_reserve(&tapwire_tcp_events, sizeof(*event), 0);
	if (!event) {
		tapwire_count_drop(type);
		return NULL;
	}
	__builtin_memset(event, 0, sizeof(*event));
	if (source == TAPWIRE_FROM_SOCKET_MAP && owner) {
		event->task.type = type;
		event->task.pid = owner->pid;
		event->task.tid = owner->tid;
		event->task.ktime_ns = bpf_ktime_get_ns();
		event->task.netns_ino = owner->netns_ino;
		event->task.cgroup_id = owner->cgroup_id;
		__builtin_memcpy(event->task.comm, owner->comm, sizeof(event->task.comm));
		event->start_ticks = owner->start_ticks;
		event->role = owner->role;
	} else if (source == TAPWIRE_FROM_CURRENT) {
		tapwire_fill_current_task(&event->task, type);
		event->start_ticks = tapwire_start_ticks((struct task_struct *)bpf_get_current_task());
	} else {
		event->task.type = type;
		event->task.ktime_ns = bpf_ktime_get_ns();
		event->flags = TAPWIRE_TCP_OWNER_UNKNOWN;
	}
	event->socket_ino = socket_ino;
	event->fd = -1;
	event->state = tapwire_sock_state(sk);
	tapwire_fill_tuple(event, sk, local_port);
	return event;
}

static __always_inline void tapwire_forget_socket(struct sock *sk)
{
	__u64 key = (__u64)sk;

	bpf_map_delete_elem(&tapwire_sockets, &key);
}

/* The destination a connect() was given, read from user memory at syscall enter. */
static __always_inline void tapwire_read_destination(struct tapwire_pending_connect *pending, const void *uaddr)
{
	/* struct sockaddr_in: family@0 port@2 addr@4; struct sockaddr_in6: family@0 port@2 addr@8 */
	__u8 raw[24] = {};

	if (bpf_probe_read_user(raw, 16, uaddr))
		return;
	pending->family = raw[0] | (raw[1] << 8);
	pending->port = (raw[2] << 8) | raw[3];
	if (pending->family == TAPWIRE_AF_INET6) {
		if (bpf_probe_read_user(raw, 24, uaddr) == 0)
			__builtin_memcpy(pending->addr, raw + 8, 16);
	} else {
		__builtin_memcpy(pending->addr, raw + 4, 4);
	}
}

SEC("tracepoint/syscalls/sys_enter_connect")
int tapwire_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	long fd = ctx->args[0];
	struct sock *sk = tapwire_tcp_sock_of_fd(fd);
	struct tapwire_pending_connect pending = {};
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	/* A connect() on a socket that is not fresh (EISCONN, EALREADY) changes nothing worth a record. */
	if (!sk || tapwire_sock_state(sk) != TAPWIRE_TCP_CLOSE)
		return 0;
	tapwire_remember_socket(sk, TAPWIRE_ROLE_CLIENT, 0);
	pending.sk = (__u64)sk;
	pending.fd = fd;
	tapwire_read_destination(&pending, (const void *)ctx->args[1]);
	bpf_map_update_elem(&tapwire_pending_connects, &tid, &pending, BPF_ANY);
	return 0;
}

/*
 * connect()'s outcome is reported by the state change SYN_SENT -> ESTABLISHED or CLOSE, for
 * blocking and non-blocking sockets alike. Only a failure before any SYN left (no route, no free
 * port, refused by a firewall hook) is reported here, since no state change follows it.
 */
SEC("tracepoint/syscalls/sys_exit_connect")
int tapwire_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tapwire_pending_connect *pending = bpf_map_lookup_elem(&tapwire_pending_connects, &tid);
	struct tapwire_tcp_event *event;
	struct tapwire_socket *owner;
	struct sock *sk;
	long ret = ctx->ret;

	if (!pending)
		return 0;
	sk = (struct sock *)pending->sk;
	owner = bpf_map_lookup_elem(&tapwire_sockets, &pending->sk);
	if (ret == 0 || ret == -TAPWIRE_EINPROGRESS || ret == -TAPWIRE_EALREADY || !owner || owner->syn_sent_ns) {
		bpf_map_delete_elem(&tapwire_pending_connects, &tid);
		return 0;
	}
	event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_CONNECT_FAILED, sk, owner, TAPWIRE_FROM_SOCKET_MAP);
	if (event) {
		event->fd = pending->fd;
		event->error = -ret;
		event->family = pending->family;
		event->dport = pending->port;
		__builtin_memcpy(event->daddr, pending->addr, sizeof(event->daddr));
		bpf_ringbuf_submit(event, 0);
	}
	tapwire_forget_socket(sk);
	bpf_map_delete_elem(&tapwire_pending_connects, &tid);
	return 0;
}

static __always_inline int tapwire_accepted(struct trace_event_raw_sys_exit *ctx)
{
	long fd = ctx->ret;
	struct tapwire_tcp_event *event;
	struct tapwire_socket *owner = NULL;
	struct sock *sk;

	if (fd < 0)
		return 0;
	sk = tapwire_tcp_sock_of_fd(fd);
	if (!sk)
		return 0;
	/*
	 * A connection the peer already reset is in CLOSE: its last state change is behind it, so
	 * remembering it would leave an entry nothing removes.
	 */
	if (tapwire_sock_state(sk) != TAPWIRE_TCP_CLOSE)
		owner = tapwire_remember_socket(sk, TAPWIRE_ROLE_SERVER, TAPWIRE_SOCKET_CONNECTED);
	if (owner)
		owner->last_stats_ns = tapwire_stats_clock_ns();
	event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_ACCEPT, sk, NULL, TAPWIRE_FROM_CURRENT);
	if (!event)
		return 0;
	event->fd = fd;
	event->role = TAPWIRE_ROLE_SERVER;
	bpf_ringbuf_submit(event, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tapwire_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return tapwire_accepted(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tapwire_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return tapwire_accepted(ctx);
}

static __always_inline void tapwire_on_listen(struct sock *sk)
{
	struct tapwire_socket *owner = tapwire_remember_socket(sk, TAPWIRE_ROLE_LISTENER, 0);
	struct tapwire_tcp_event *event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_LISTEN_OPEN, sk, owner,
							    TAPWIRE_FROM_SOCKET_MAP);

	if (event) {
		event->state = TAPWIRE_TCP_LISTEN;
		bpf_ringbuf_submit(event, 0);
	}
}

/* Leaving LISTEN happens in close() or shutdown(): process context, so an unknown listener is the current task's. */
static __always_inline void tapwire_on_listen_close(struct sock *sk, struct tapwire_socket *owner, int newstate)
{
	struct tapwire_tcp_event *event;

	if (owner)
		event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_LISTEN_CLOSE, sk, owner, TAPWIRE_FROM_SOCKET_MAP);
	else
		event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_LISTEN_CLOSE, sk, NULL, TAPWIRE_FROM_CURRENT);
	if (event) {
		event->role = TAPWIRE_ROLE_LISTENER;
		event->state = newstate;
		bpf_ringbuf_submit(event, 0);
	}
	tapwire_forget_socket(sk);
}

static __always_inline void tapwire_on_connect_outcome(struct sock *sk, struct tapwire_socket *owner, int newstate)
{
	struct tapwire_tcp_event *event;
	__u64 now = bpf_ktime_get_ns();

	if (newstate == TAPWIRE_TCP_ESTABLISHED) {
		owner->flags |= TAPWIRE_SOCKET_CONNECTED;
		owner->last_stats_ns = tapwire_stats_clock_ns();
		event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_CONNECT_OK, sk, owner, TAPWIRE_FROM_SOCKET_MAP);
		if (event) {
			event->state = newstate;
			event->handshake_ns = owner->syn_sent_ns ? now - owner->syn_sent_ns : 0;
			event->srtt_us = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;
			bpf_ringbuf_submit(event, 0);
		}
		return;
	}
	if (newstate != TAPWIRE_TCP_CLOSE)
		return;
	/* tcp_reset() and tcp_write_err() set sk_err (ECONNREFUSED, ETIMEDOUT, ...) before tcp_done(). */
	event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_CONNECT_FAILED, sk, owner, TAPWIRE_FROM_SOCKET_MAP);
	if (event) {
		event->state = newstate;
		event->error = BPF_CORE_READ(sk, sk_err);
		bpf_ringbuf_submit(event, 0);
	}
	tapwire_forget_socket(sk);
}

/*
 * TCP_CLOSE is the end of every TCP socket, whichever side closed first and however (FIN, RST,
 * timeout), including the active closer's, whose full socket reaches CLOSE when TIME_WAIT takes
 * over. The counters are final there: bytes_acked includes the data the peer acknowledged after
 * the application's close(), and the FIN exchange is over. close() itself is not used: with inherited or duplicated fds, a
 * close() closes nothing.
 */
static __always_inline void tapwire_on_close(struct sock *sk, struct tapwire_socket *owner, int oldstate)
{
	struct tapwire_tcp_event *event = NULL;

	if (owner) {
		if (owner->flags & TAPWIRE_SOCKET_CONNECTED)
			event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_CLOSE, sk, owner, TAPWIRE_FROM_SOCKET_MAP);
		tapwire_forget_socket(sk);
	} else if (oldstate != TAPWIRE_TCP_SYN_RECV && oldstate != TAPWIRE_TCP_NEW_SYN_RECV) {
		event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_CLOSE, sk, NULL, TAPWIRE_FROM_NOBODY);
	}
	if (event) {
		event->state = TAPWIRE_TCP_CLOSE;
		tapwire_fill_counters(event, sk, event->role, oldstate);
		bpf_ringbuf_submit(event, 0);
	}
}

SEC("tracepoint/sock/inet_sock_set_state")
int tapwire_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct sock *sk;
	struct tapwire_socket *owner;
	__u64 key;
	int oldstate, newstate;

	if (BPF_CORE_READ(ctx, protocol) != TAPWIRE_IPPROTO_TCP)
		return 0;
	sk = (struct sock *)BPF_CORE_READ(ctx, skaddr);
	oldstate = BPF_CORE_READ(ctx, oldstate);
	newstate = BPF_CORE_READ(ctx, newstate);
	key = (__u64)sk;
	owner = bpf_map_lookup_elem(&tapwire_sockets, &key);

	/* Entering SYN_SENT and LISTEN happens only inside connect() and listen(): process context. */
	if (newstate == TAPWIRE_TCP_SYN_SENT) {
		if (!owner)
			owner = tapwire_remember_socket(sk, TAPWIRE_ROLE_CLIENT, 0);
		if (owner)
			owner->syn_sent_ns = bpf_ktime_get_ns();
		return 0;
	}
	if (newstate == TAPWIRE_TCP_LISTEN) {
		tapwire_on_listen(sk);
		return 0;
	}
	/* A child socket cloned from a listener starts as LISTEN -> SYN_RECV: not the listener closing. */
	if (oldstate == TAPWIRE_TCP_LISTEN) {
		if (newstate == TAPWIRE_TCP_CLOSE)
			tapwire_on_listen_close(sk, owner, newstate);
		return 0;
	}
	if (oldstate == TAPWIRE_TCP_SYN_SENT) {
		if (owner)
			tapwire_on_connect_outcome(sk, owner, newstate);
		return 0;
	}
	if (newstate == TAPWIRE_TCP_CLOSE) {
		tapwire_on_close(sk, owner, oldstate);
		return 0;
	}
	/*
	 * First sight of a connection older than the collector: FIN_WAIT1 and LAST_ACK are entered by
	 * the owner's close() or shutdown(), in its process context (unless a kernel thread does a
	 * deferred close). Remembering it there attributes the final CLOSE, which comes in softirq.
	 */
	if (!owner && (newstate == TAPWIRE_TCP_FIN_WAIT1 || newstate == TAPWIRE_TCP_LAST_ACK)
	    && !tapwire_is_kernel_thread((struct task_struct *)bpf_get_current_task()))
		tapwire_remember_socket(sk, TAPWIRE_ROLE_UNKNOWN, TAPWIRE_SOCKET_CONNECTED);
	return 0;
}

/* tcp_skb_pcount(skb): the segments a (TSO/GSO) skb stands for, from TCP's control block. */
static __always_inline __u32 tapwire_skb_segments(const void *skb)
{
	struct tcp_skb_cb *cb = (void *)skb + bpf_core_field_offset(struct sk_buff, cb);

	return BPF_CORE_READ(cb, tcp_gso_segs);
}

/*
 * The record's skaddr and skbaddr are 8-byte aligned and enough: addresses and ports come from the
 * sock itself (the record's saddr sits at an unaligned offset, see ENVIRONMENT.md).
 */
SEC("tracepoint/tcp/tcp_retransmit_skb")
int tapwire_retransmit(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	struct sock *sk = (struct sock *)BPF_CORE_READ(ctx, skaddr);
	struct tapwire_tcp_event *event;
	struct tapwire_socket *owner;
	__u64 key = (__u64)sk;
	__u32 total, segments;

	/*
	 * The kernel counts a retransmission (RetransSegs, total_retrans) just before it hands the skb to IP, and 6.18
	 * fires this tracepoint for failed attempts too. One that failed before that point (-EBUSY, -EAGAIN, a route
	 * that is gone) was not counted; one that failed after it, in tcp_transmit_skb (a device that is down), was, and
	 * the error alone does not tell which. The socket's own counter does: what it moved since this socket's last
	 * RETRANSMIT event is what the kernel counted.
	 */
	owner = bpf_map_lookup_elem(&tapwire_sockets, &key);
	if (owner) {
		total = BPF_CORE_READ((struct tcp_sock *)sk, total_retrans);
		/* tcp_disconnect() sets the counter back to 0 */
		segments = total >= owner->reported_retrans ? total - owner->reported_retrans : total;
		if (!segments)
			return 0;
		owner->reported_retrans = total;
	} else {
		/* A socket older than the collector: a successful attempt's skb, as the kernel counted it. */
		if (bpf_core_field_exists(ctx->err) && BPF_CORE_READ(ctx, err) != 0)
			return 0;
		segments = tapwire_skb_segments(BPF_CORE_READ(ctx, skbaddr));
	}
	event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_RETRANSMIT, sk, owner,
				  owner ? TAPWIRE_FROM_SOCKET_MAP : TAPWIRE_FROM_NOBODY);
	if (!event)
		return 0;
	event->state = BPF_CORE_READ(ctx, state);
	event->segments = segments;
	tapwire_fill_counters(event, sk, event->role, event->state);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

/*
 * When each connection's next STATS event is due (tapwire_stats_clock_ns()), in the socket's own storage. tcp_probe
 * runs for every segment, and nearly every run only learns that the interval has not passed: read here, that is a
 * few loads from the socket, where the socket map costs a hash of the key and a walk of its bucket. Created by a
 * connection's first run after its CONNECT_OK or ACCEPT; freed by the kernel with the socket.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} tapwire_stats_due SEC(".maps");

/*
 * Periodic counters of live connections. tcp_probe fires for every segment an ESTABLISHED socket
 * receives (data or ACK), so a connection that moves data reports at most once per interval, and
 * an idle one, whose counters do not change, reports nothing. BTF-typed for the sock pointer: the
 * classic record has it only on recent kernels, and socket-local storage needs it.
 */
SEC("tp_btf/tcp_probe")
int BPF_PROG(tapwire_tcp_probe, struct sock *sk, struct sk_buff *skb)
{
	__u32 setting = TAPWIRE_TCP_SETTING_STATS_INTERVAL_NS;
	__u64 *interval = bpf_map_lookup_elem(&tapwire_tcp_settings, &setting);
	struct tapwire_tcp_event *event;
	struct tapwire_socket *owner;
	__u64 key = (__u64)sk;
	__u64 now, *due;

	if (!interval || *interval == 0)
		return 0;
	now = tapwire_stats_clock_ns();
	due = bpf_sk_storage_get(&tapwire_stats_due, sk, 0, 0);
	if (due && now < *due)
		return 0;
	owner = bpf_map_lookup_elem(&tapwire_sockets, &key);
	if (!owner || !(owner->flags & TAPWIRE_SOCKET_CONNECTED))
		return 0;
	if (!due)
		due = bpf_sk_storage_get(&tapwire_stats_due, sk, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (now - owner->last_stats_ns < *interval) {
		if (due)
			*due = owner->last_stats_ns + *interval;
		return 0;
	}
	owner->last_stats_ns = now;
	if (due)
		*due = now + *interval;
	event = tapwire_tcp_event(TAPWIRE_EVENT_TCP_STATS, sk, owner, TAPWIRE_FROM_SOCKET_MAP);
	if (!event)
		return 0;
	tapwire_fill_counters(event, sk, event->role, event->state);
	bpf_ringbuf_submit(event, 0);
	return 0;
}
