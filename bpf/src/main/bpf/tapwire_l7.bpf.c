// SPDX-License-Identifier: GPL-2.0
/*
 * L7 payload capture, phase one of the two-phase design: the kernel recognises connections of known
 * protocols by the first bytes of their messages and ships, for every read and write on such a
 * connection, what the stream parsers need (head, tail, stream offset, byte count, TCP sequence
 * number). It never pairs requests with responses: events leave in syscall order per thread, so
 * pipelined requests are never lost.
 *
 * Two programs, on the raw sys_enter and sys_exit tracepoints, see every syscall and return at once
 * for all but the payload ones. A payload syscall's enter only notes when it started, in the
 * thread's task-local storage. Its exit does the rest, and only for a call that moved bytes (the
 * reads that end in EAGAIN cost nothing more): it reads the arguments from the saved registers,
 * finds the socket behind the fd, drops everything that is no TCP/UDP socket, no candidate or
 * excluded, classifies unknown connections and emits.
 * A connection the classifier gave up on (its first request was no known protocol, or eight
 * messages in a row were none) is marked opaque and costs one map lookup per syscall after that.
 *
 * A connection's state is keyed by the struct sock's address and names the socket inode it belongs
 * to, so a struct sock reused for a new socket starts afresh.
 */
#include "tapwire_common.bpf.h"
#include "tapwire_socket.bpf.h"
#include "tapwire_syscalls.bpf.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define TAPWIRE_L7_IOV_MAX 16   /* iovecs walked per syscall: the rest of longer vectors is not captured */
#define TAPWIRE_L7_MMSG_MAX 4   /* messages shipped per recvmmsg/sendmmsg */
#define TAPWIRE_L7_VLEN_MAX 1024 /* UIO_MAXIOV: the kernel's cap on the messages of one recvmmsg/sendmmsg */
#define TAPWIRE_L7_PROBE_LEN 16 /* bytes the classifier looks at */
#define TAPWIRE_L7_MAX_TRIES 8  /* unrecognised messages before a connection seen mid-stream is opaque */
#define TAPWIRE_MSG_PEEK 2
#define TAPWIRE_MSGHDR_SIZE 56  /* struct user_msghdr */
#define TAPWIRE_MMSGHDR_SIZE 64 /* struct mmsghdr: user_msghdr, msg_len, padding */

/* Sized by the collector before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} tapwire_l7_events SEC(".maps");

struct tapwire_l7_conn {
	__u64 socket_ino;  /* the socket this state belongs to */
	__u32 recv_base;   /* TCP: rcv_nxt - bytes_received, the sequence number of the first byte received */
	__u32 send_base;   /* TCP: snd_una - bytes_acked */
	__u8 protocol;     /* TAPWIRE_L7_PROTO_*, UNKNOWN while unclassified */
	__u8 opaque;       /* the classifier gave up: the exit returns after finding it */
	__u8 tries;        /* unrecognised request-direction messages so far */
	__u8 request_dir;  /* TAPWIRE_L7_SEND or _RECEIVE: which direction carries requests; 0 unknown */
	__u8 bases;        /* TAPWIRE_L7_*_BASE: which of recv_base and send_base are known */
	__u8 reserved[3];
};

#define TAPWIRE_L7_RECV_BASE 1
#define TAPWIRE_L7_SEND_BASE 2

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct tapwire_l7_conn);
} tapwire_l7_conns SEC(".maps");

/*
 * What the exit hook learnt about one fd of one process (key: tgid << 32 | fd), valid while the fd holds the same
 * struct file: most payload calls go to fds seen before, and this saves the walk from the file to its socket and
 * the socket's type checks (half of the cost of finding the socket). An entry holds while the fd's file pointer and
 * inode are the ones it was learnt from (slab memory makes a new socket's file reuse a closed one's address; never
 * its inode).
 */
struct tapwire_l7_fd {
	__u64 file;       /* the struct file this is about */
	__u64 sk;         /* its struct sock */
	__u64 socket_ino; /* the file's inode number: a socket's is its socket inode */
	__u64 exclusions; /* tapwire_exclusions_version when learnt: `excluded` holds while it is current */
	__u8 transport;   /* TAPWIRE_L7_TCP / _UDP; 0: a socket of no interest (not IPv4/IPv6 TCP or UDP) */
	__u8 role;        /* TAPWIRE_ROLE_* from tapwire_sockets when learnt: connect and accept come before any payload */
	__u8 excluded;    /* the process or the socket's local port is excluded */
	__u8 reserved[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct tapwire_l7_fd);
} tapwire_l7_fds SEC(".maps");

/* A payload syscall at its exit: what the capture learnt of it. */
struct tapwire_l7_call {
	__u64 sk;
	__u64 socket_ino;
	__u64 buf;           /* buffer, iovec array, msghdr or mmsghdr array, by syscall */
	__u64 addr;          /* recvfrom/sendto: the peer's sockaddr, or 0 */
	__u64 start_ns;
	__u64 stream_offset; /* TCP: of the call's first byte */
	__u32 len;           /* count, iovcnt or vlen, by syscall */
	__u32 tcp_seq;       /* TCP: of the call's first byte */
	__s32 fd;
	__u8 syscall;        /* TAPWIRE_L7_SYS_* */
	__u8 direction;      /* TAPWIRE_L7_SEND / _RECEIVE */
	__u8 transport;      /* TAPWIRE_L7_TCP / _UDP */
	__u8 role;           /* TAPWIRE_ROLE_* from tapwire_sockets */
	__u16 flags;         /* TAPWIRE_L7_* bits */
	__u16 sport;
	__u8 protocol;       /* the connection's protocol: once classified, it stays */
	__u8 reserved[3];
};

/* When a thread's payload syscall started: the one thing the exit cannot know. */
struct tapwire_l7_started {
	__u64 ns;
	__u8 syscall; /* TAPWIRE_L7_SYS_*; 0 once an exit took it */
	__u8 reserved[7];
};

/*
 * Task-local storage: a thread has at most one syscall in flight, and reaching its slot through the task costs a
 * fraction of a hash-map update and delete (measured: ~50 ns against ~200 ns per call).
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tapwire_l7_started);
} tapwire_l7_started SEC(".maps");

/* TAPWIRE_L7_SETTING_* values, written by the collector after load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TAPWIRE_L7_SETTING_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} tapwire_l7_settings SEC(".maps");

struct tapwire_iovec {
	__u64 base;
	__u64 len;
};

/*
 * Where an event is built before bpf_ringbuf_output() copies its used part. The data area is twice
 * the head cap plus the tail cap so that a copy of at most HEAD_CAP bytes at any offset up to
 * HEAD_CAP + TAIL_CAP stays inside it, which the verifier can check from the clamped ranges alone.
 * One slot per CPU (an array indexed by CPU, resized by the collector: a per-CPU array value may not
 * exceed 32 KiB).
 */
#define TAPWIRE_L7_DATA_SIZE (2 * TAPWIRE_L7_HEAD_CAP + TAPWIRE_L7_TAIL_CAP)
struct tapwire_l7_scratch {
	struct tapwire_l7_event event;
	__u8 data[TAPWIRE_L7_DATA_SIZE];
	struct tapwire_iovec iov[TAPWIRE_L7_IOV_MAX];
	__u32 iov_count;
	__u32 head_copied; /* bytes of the message's head already in data[] (tapwire_l7_message) */
	__u16 head_flags;  /* TAPWIRE_L7_* flags of that copy */
	__u16 reserved[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct tapwire_l7_scratch);
} tapwire_l7_scratch SEC(".maps");

/*
 * A kernel pointer read from memory as a plain number (the socket cached per fd) made a typed one again, so its
 * fields are plain loads too (Linux 6.2+; the verifier guards each load against a pointer gone stale).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define TAPWIRE_TYPED(type, pointer) ((type *)bpf_rdonly_cast((pointer), bpf_core_type_id_kernel(type)))

/* v = min(v, max) in a form the verifier tracks (a plain `if` is often compiled away into a shape it cannot). */
#define TAPWIRE_CLAMP(v, max) asm volatile("if %0 <= %1 goto +1; %0 = %1" : "+r"(v) : "i"(max))

static __always_inline __u64 tapwire_l7_setting(__u32 index, __u64 fallback)
{
	__u64 *value = bpf_map_lookup_elem(&tapwire_l7_settings, &index);

	return value && *value ? *value : fallback;
}

/* ---------------------------------------------------------------------------------------------- */
/* Classification: the first TAPWIRE_L7_PROBE_LEN bytes of a message (PROTOCOLS.md).               */

static __always_inline bool tapwire_starts(const __u8 *b, __u32 n, const char *prefix, __u32 length)
{
	if (n < length)
		return false;
#pragma unroll
	for (int i = 0; i < TAPWIRE_L7_PROBE_LEN; i++) {
		if (i >= length)
			break;
		if (b[i] != (__u8)prefix[i])
			return false;
	}
	return true;
}

static __always_inline bool tapwire_is_digit(__u8 c)
{
	return c >= '0' && c <= '9';
}

static __always_inline bool tapwire_http_request(const __u8 *b, __u32 n)
{
	return tapwire_starts(b, n, "GET ", 4) || tapwire_starts(b, n, "POST ", 5) || tapwire_starts(b, n, "PUT ", 4)
	       || tapwire_starts(b, n, "DELETE ", 7) || tapwire_starts(b, n, "HEAD ", 5)
	       || tapwire_starts(b, n, "OPTIONS ", 8) || tapwire_starts(b, n, "PATCH ", 6)
	       || tapwire_starts(b, n, "CONNECT ", 8) || tapwire_starts(b, n, "TRACE ", 6);
}

static __always_inline __u32 tapwire_be32(const __u8 *b)
{
	return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}

static __always_inline __u32 tapwire_le24(const __u8 *b)
{
	return b[0] | ((__u32)b[1] << 8) | ((__u32)b[2] << 16);
}

/* StartupMessage (protocol 3.0), SSLRequest, GSSENCRequest, CancelRequest: the first client message. */
static __always_inline bool tapwire_postgres_startup(const __u8 *b, __u32 n, __u64 count)
{
	__u32 length, code;

	if (n < 8)
		return false;
	length = tapwire_be32(b);
	code = tapwire_be32(b + 4);
	if (length != count)
		return false;
	return (code == 196608 && length > 8 && length < 10000) || (length == 8 && (code == 80877103 || code == 80877104))
	       || (length == 16 && code == 80877102);
}

/* Simple query, Parse or Bind seen mid-connection: a type byte and a plausible length. */
static __always_inline bool tapwire_postgres_query(const __u8 *b, __u32 n, __u64 count)
{
	__u32 length;

	if (n < 6 || (b[0] != 'Q' && b[0] != 'P' && b[0] != 'B'))
		return false;
	length = tapwire_be32(b + 1);
	return length >= 5 && length < (1 << 24) && length + 1 <= count && b[1] == 0;
}

static __always_inline bool tapwire_mysql_command(const __u8 *b, __u32 n, __u64 count)
{
	__u8 command;

	if (n < 5 || b[3] != 0 || tapwire_le24(b) + 4 != count)
		return false;
	command = b[4];
	/* COM_QUIT, INIT_DB, QUERY, PING, CHANGE_USER, STMT_PREPARE/EXECUTE/SEND_LONG_DATA/CLOSE/RESET, RESET_CONNECTION */
	return command == 0x01 || command == 0x02 || command == 0x03 || command == 0x0e || command == 0x11
	       || (command >= 0x16 && command <= 0x1a) || command == 0x1f;
}

/* The server's greeting: protocol version 10 and a version string starting with a digit, sequence 0. */
static __always_inline bool tapwire_mysql_greeting(const __u8 *b, __u32 n, __u64 count)
{
	return n >= 6 && b[3] == 0 && b[4] == 0x0a && tapwire_is_digit(b[5]) && tapwire_le24(b) + 4 <= count;
}

/* A RESP array of bulk strings: *<n>\r\n$<len>\r\n */
static __always_inline bool tapwire_redis_command(const __u8 *b, __u32 n)
{
	__u32 i = 1;

	if (n < 8 || b[0] != '*' || !tapwire_is_digit(b[1]))
		return false;
	if (tapwire_is_digit(b[2]))
		i = 2;
	if (tapwire_is_digit(b[3]) && i == 2)
		i = 3;
	return b[i + 1] == '\r' && b[i + 2] == '\n' && b[i + 3] == '$' && tapwire_is_digit(b[i + 4]);
}

static __always_inline bool tapwire_memcached_word(const __u8 *b, __u32 n, const char *word, __u32 length)
{
	return tapwire_starts(b, n, word, length) && n > length
	       && (b[length] == ' ' || b[length] == '\r' || b[length] == '\n');
}

static __always_inline bool tapwire_memcached_command(const __u8 *b, __u32 n)
{
	if (n < 4)
		return false;
	switch (b[0]) {
	case 'g':
		return tapwire_memcached_word(b, n, "get", 3) || tapwire_memcached_word(b, n, "gets", 4)
		       || tapwire_memcached_word(b, n, "gat", 3) || tapwire_memcached_word(b, n, "gats", 4);
	case 's':
		return tapwire_memcached_word(b, n, "set", 3) || tapwire_memcached_word(b, n, "stats", 5);
	case 'a':
		return tapwire_memcached_word(b, n, "add", 3) || tapwire_memcached_word(b, n, "append", 6);
	case 'r':
		return tapwire_memcached_word(b, n, "replace", 7);
	case 'p':
		return tapwire_memcached_word(b, n, "prepend", 7);
	case 'c':
		return tapwire_memcached_word(b, n, "cas", 3);
	case 'i':
		return tapwire_memcached_word(b, n, "incr", 4);
	case 'd':
		return tapwire_memcached_word(b, n, "decr", 4) || tapwire_memcached_word(b, n, "delete", 6);
	case 't':
		return tapwire_memcached_word(b, n, "touch", 5);
	case 'f':
		return tapwire_memcached_word(b, n, "flush_all", 9);
	case 'v':
		return tapwire_memcached_word(b, n, "version", 7);
	case 'm':
		/* meta commands: mg, ms, md, ma, mn */
		return n > 2 && (b[1] == 'g' || b[1] == 's' || b[1] == 'd' || b[1] == 'a' || b[1] == 'n')
		       && (b[2] == ' ' || b[2] == '\r');
	}
	return false;
}

/*
 * A DNS message over UDP: one question, opcode QUERY, a first label of at most 63 bytes. A query
 * carries no answers and RCODE 0; a response has QR set.
 */
static __always_inline bool tapwire_dns_message(const __u8 *b, __u32 n, __u64 count)
{
	bool response;

	if (n < 13 || count < 17 || count > 65535)
		return false;
	response = b[2] & 0x80;
	if ((b[2] & 0x78) != 0 || b[4] != 0 || b[5] != 1 || b[12] > 63)
		return false;
	if (!response)
		return b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 && (b[3] & 0x0f) == 0;
	return (b[3] & 0x0f) <= 5;
}

/* The protocol of a client-to-server message, or UNKNOWN. at_start: it is the direction's first byte. */
static __always_inline __u8 tapwire_classify_request(const __u8 *b, __u32 n, __u64 count, bool at_start)
{
	if (tapwire_http_request(b, n))
		return TAPWIRE_L7_PROTO_HTTP1;
	if (tapwire_redis_command(b, n))
		return TAPWIRE_L7_PROTO_REDIS;
	if (at_start && tapwire_postgres_startup(b, n, count))
		return TAPWIRE_L7_PROTO_POSTGRES;
	if (!at_start && tapwire_postgres_query(b, n, count))
		return TAPWIRE_L7_PROTO_POSTGRES;
	if (tapwire_mysql_command(b, n, count))
		return TAPWIRE_L7_PROTO_MYSQL;
	if (tapwire_memcached_command(b, n))
		return TAPWIRE_L7_PROTO_MEMCACHED;
	return TAPWIRE_L7_PROTO_UNKNOWN;
}

/*
 * How many head bytes to ship: head_bytes (N, or all of a shorter message), except that SQL statements
 * (PostgreSQL Query and Parse, MySQL COM_QUERY and COM_STMT_PREPARE) are shipped whole up to the cap,
 * so a long statement is not cut.
 */
static __always_inline __u32 tapwire_head_length(__u8 protocol, const __u8 *b, __u32 n, __u64 count, __u32 head_bytes)
{
	__u64 wanted = head_bytes;
	__u64 message = 0;

	if (protocol == TAPWIRE_L7_PROTO_POSTGRES && n >= 5 && (b[0] == 'Q' || b[0] == 'P'))
		message = (__u64)tapwire_be32(b + 1) + 1;
	else if (protocol == TAPWIRE_L7_PROTO_MYSQL && n >= 5 && b[3] == 0 && (b[4] == 0x03 || b[4] == 0x16))
		message = (__u64)tapwire_le24(b) + 4;
	if (message > wanted)
		wanted = message;
	if (wanted > count)
		wanted = count;
	if (wanted > TAPWIRE_L7_HEAD_CAP)
		wanted = TAPWIRE_L7_HEAD_CAP;
	return wanted;
}

/* ---------------------------------------------------------------------------------------------- */
/* Copying user memory into the scratch slot.                                                      */

static __always_inline struct tapwire_l7_scratch *tapwire_l7_slot(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&tapwire_l7_scratch, &cpu);
}

/* Reads the iovec array of a readv/writev/msghdr into the slot; returns false if it cannot be read. */
static __always_inline bool tapwire_load_iovecs(struct tapwire_l7_scratch *s, __u64 iov, __u64 count, __u16 *flags)
{
	__u64 bytes;

	if (count > TAPWIRE_L7_IOV_MAX) {
		*flags |= TAPWIRE_L7_IOV_LIMIT;
		count = TAPWIRE_L7_IOV_MAX;
	}
	bytes = count * sizeof(struct tapwire_iovec);
	TAPWIRE_CLAMP(bytes, TAPWIRE_L7_IOV_MAX * sizeof(struct tapwire_iovec));
	s->iov_count = count;
	return bpf_probe_read_user(s->iov, bytes, (const void *)iov) == 0;
}

static __always_inline void tapwire_single_buffer(struct tapwire_l7_scratch *s, __u64 buf, __u64 length)
{
	s->iov[0].base = buf;
	s->iov[0].len = length;
	s->iov_count = 1;
}

/* The state of one tapwire_copy(), for its bpf_loop() callback. */
struct tapwire_copy_state {
	__u64 from;          /* the next byte to copy, counted in the data */
	__u64 segment_start; /* where iovec i starts in the data */
	__u32 dst;           /* where in the slot's data area the copy goes */
	__u32 copied;
	__u32 length;
	__u16 flags;
	__u16 reserved;
};

/*
 * One iovec of a copy. A bpf_loop() callback is verified once, whatever the number of iterations;
 * the same walk as an open loop made the verifier explore every combination of ranges (over its
 * million-instruction limit).
 */
static long tapwire_copy_segment(__u32 i, void *context)
{
	struct tapwire_copy_state *c = context;
	struct tapwire_l7_scratch *s = tapwire_l7_slot();
	__u64 segment_len, skip, n;
	__u32 at;

	if (!s || i >= TAPWIRE_L7_IOV_MAX || i >= s->iov_count || c->copied >= c->length)
		return 1;
	/* i is below it already; the verifier loses that check in a register copy, so bound i again where clang cannot drop it */
	asm volatile("%0 &= %1" : "+r"(i) : "i"(TAPWIRE_L7_IOV_MAX - 1));
	segment_len = s->iov[i].len;
	if (c->from < c->segment_start + segment_len) {
		skip = c->from - c->segment_start;
		n = segment_len - skip;
		if (n > c->length - c->copied)
			n = c->length - c->copied;
		TAPWIRE_CLAMP(n, TAPWIRE_L7_HEAD_CAP);
		at = c->dst + c->copied;
		TAPWIRE_CLAMP(at, TAPWIRE_L7_HEAD_CAP + TAPWIRE_L7_TAIL_CAP);
		if (bpf_probe_read_user(&s->data[at], n, (const void *)(s->iov[i].base + skip))) {
			c->flags |= TAPWIRE_L7_READ_FAILED;
			return 1;
		}
		c->copied += n;
		c->from += n;
	}
	c->segment_start += segment_len;
	return 0;
}

/*
 * Copies bytes [from, from + length) of the data described by the slot's iovecs into data[dst...].
 * Returns how many bytes it copied; short when the iovecs end first or a read fails (flagged). Global, as
 * tapwire_emit: its bpf_loop() is verified once per program, not once per call site.
 */
__noinline __u32 tapwire_copy(__u32 dst, __u64 from, __u32 length, __u16 *flags)
{
	struct tapwire_l7_scratch *s = tapwire_l7_slot();
	struct tapwire_copy_state c = {};
	__u64 n;

	if (!flags || !s)
		return 0;
	/* One buffer (read, write, recvfrom, sendto: most calls): one read of user memory, without the loop. */
	if (s->iov_count == 1) {
		n = from < s->iov[0].len ? s->iov[0].len - from : 0;
		if (n > length)
			n = length;
		TAPWIRE_CLAMP(n, TAPWIRE_L7_HEAD_CAP);
		TAPWIRE_CLAMP(dst, TAPWIRE_L7_HEAD_CAP + TAPWIRE_L7_TAIL_CAP);
		if (bpf_probe_read_user(&s->data[dst], n, (const void *)(s->iov[0].base + from))) {
			*flags |= TAPWIRE_L7_READ_FAILED;
			return 0;
		}
		if (n < length)
			*flags |= TAPWIRE_L7_IOV_LIMIT;
		return n;
	}
	c.from = from;
	c.dst = dst;
	c.length = length;
	bpf_loop(TAPWIRE_L7_IOV_MAX, tapwire_copy_segment, &c, 0);
	if (c.copied < length && !(c.flags & TAPWIRE_L7_READ_FAILED))
		c.flags |= TAPWIRE_L7_IOV_LIMIT;
	*flags |= c.flags;
	return c.copied;
}

/* ---------------------------------------------------------------------------------------------- */
/* Enter: is this a socket worth looking at?                                                       */

static __always_inline struct tapwire_l7_conn *tapwire_conn_of(struct sock *sk, __u64 socket_ino)
{
	__u64 key = (__u64)sk;
	struct tapwire_l7_conn *conn = bpf_map_lookup_elem(&tapwire_l7_conns, &key);

	if (conn && conn->socket_ino != socket_ino) {
		bpf_map_delete_elem(&tapwire_l7_conns, &key);
		return NULL;
	}
	return conn;
}

static __always_inline struct tapwire_l7_conn *tapwire_conn_for(struct tapwire_l7_call *p)
{
	struct tapwire_l7_conn fresh = {};
	struct tapwire_l7_conn *conn = tapwire_conn_of((struct sock *)p->sk, p->socket_ino);

	if (conn)
		return conn;
	fresh.socket_ino = p->socket_ino;
	if (p->role == TAPWIRE_ROLE_CLIENT)
		fresh.request_dir = TAPWIRE_L7_SEND;
	else if (p->role == TAPWIRE_ROLE_SERVER)
		fresh.request_dir = TAPWIRE_L7_RECEIVE;
	bpf_map_update_elem(&tapwire_l7_conns, &p->sk, &fresh, BPF_ANY);
	return bpf_map_lookup_elem(&tapwire_l7_conns, &p->sk);
}

/*
 * A TCP counter's base: bytes_received - rcv_nxt and bytes_acked - snd_una are constant over a connection's life
 * (ISN + 1, and the SYN for an active opener). But softirq moves each pair one field after the other, under a lock a
 * syscall's exit does not hold, so one read of the pair can straddle an update and be off by that segment's length
 * (seen: offsets 34 bytes ahead, an HTTP body sent as its own segment). The counter is read before the sequence
 * number, as the kernel writes them, and a base is taken only when two reads agree.
 */
static __always_inline bool tapwire_stable_base(const volatile __u64 *counter, const volatile __u32 *seq, __u32 *base)
{
	__u32 previous = 0, candidate;

	for (int i = 0; i < 4; i++) {
		candidate = (__u32)*counter;
		asm volatile("" ::: "memory");
		candidate = *seq - candidate;
		if (i > 0 && candidate == previous) {
			*base = candidate;
			return true;
		}
		previous = candidate;
	}
	return false;
}

/*
 * A TCP stream offset: the low 32 bits from the sequence number the syscall itself moves (copied_seq at a receive,
 * write_seq at a send) and the connection's base for that direction, the high bits from the counter's estimate,
 * which is within 2^31 of it. So it is exact from the connection's first byte on, whatever the collector saw. The
 * base is learnt once per connection (`bit` in conn->bases says it is known) from `counter` and `counter_seq`;
 * without one (no connection state, or four reads in a row straddled updates), the offset is the estimate.
 */
static __always_inline __u64 tapwire_direction_offset(struct tapwire_l7_conn *conn, __u8 bit,
						      const volatile __u64 *counter, const volatile __u32 *counter_seq,
						      __u32 seq, __u64 estimate)
{
	__u32 *base, learnt;

	if (!conn)
		return estimate;
	base = bit == TAPWIRE_L7_SEND_BASE ? &conn->send_base : &conn->recv_base;
	if (!(conn->bases & bit)) {
		if (!tapwire_stable_base(counter, counter_seq, &learnt))
			return estimate;
		*base = learnt;
		conn->bases |= bit;
	}
	return estimate + (__s32)(seq - *base - (__u32)estimate);
}

/*
 * A read that reached the peer's FIN moved copied_seq one further, over the FIN's sequence number. Then everything up
 * to rcv_nxt is read, and the socket is in a state that follows a received FIN: CLOSE_WAIT, LAST_ACK, CLOSING,
 * TIME_WAIT, or CLOSE without an error (a full socket closes when it enters TIME_WAIT; a reset sets sk_err).
 */
static __always_inline bool tapwire_read_took_fin(struct sock *raw_sk, struct tcp_sock *tp)
{
	struct sock *sk = TAPWIRE_TYPED(struct sock, raw_sk);
	__u8 state;

	if (tp->copied_seq != tp->rcv_nxt)
		return false;
	state = sk->__sk_common.skc_state;
	return state == TAPWIRE_TCP_CLOSE_WAIT || state == TAPWIRE_TCP_LAST_ACK || state == TAPWIRE_TCP_CLOSING
	       || state == TAPWIRE_TCP_TIME_WAIT || (state == TAPWIRE_TCP_CLOSE && !sk->sk_err);
}

/*
 * The call's position at its exit: a send moved write_seq and a receive copied_seq by exactly the bytes it returned,
 * so its first byte is `moved` before where they stand (calls on one socket are serialised by the socket's lock). The
 * peer may have acknowledged a send's bytes already, so the estimate's distance to snd_una is signed.
 */
static __always_inline void tapwire_tcp_position(struct tapwire_l7_call *p, struct sock *sk,
						 struct tapwire_l7_conn *conn, __u32 moved)
{
	struct tcp_sock *tp = TAPWIRE_TYPED(struct tcp_sock, sk);

	if (p->direction == TAPWIRE_L7_SEND) {
		__u32 write_seq = tp->write_seq - moved;

		p->tcp_seq = write_seq;
		p->stream_offset = tapwire_direction_offset(conn, TAPWIRE_L7_SEND_BASE, &tp->bytes_acked, &tp->snd_una,
							    write_seq,
							    tp->bytes_acked + (__s32)(write_seq - tp->snd_una));
		if (p->role == TAPWIRE_ROLE_CLIENT && p->stream_offset > 0)
			p->stream_offset -= 1;
	} else {
		__u32 copied_seq = tp->copied_seq - moved;

		if (tapwire_read_took_fin(sk, tp))
			copied_seq -= 1;

		p->tcp_seq = copied_seq;
		p->stream_offset = tapwire_direction_offset(conn, TAPWIRE_L7_RECV_BASE, &tp->bytes_received, &tp->rcv_nxt,
							    copied_seq,
							    tp->bytes_received - (__u32)(tp->rcv_nxt - copied_seq));
	}
	if (p->role != TAPWIRE_ROLE_CLIENT && p->role != TAPWIRE_ROLE_SERVER)
		p->flags |= TAPWIRE_L7_ROLE_GUESSED;
	p->flags |= TAPWIRE_L7_SEQ_VALID;
}

/*
 * The task fields every event needs, by plain loads through the BTF-typed current task: a bpf_probe_read_kernel()
 * per pointer hop costs ~30 ns, a load the verifier turns into a guarded memory read almost nothing, and these
 * hooks run on every socket read and write.
 */
static __always_inline void tapwire_l7_fill_task(struct tapwire_task *task, __u64 *start_ticks)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	task->type = TAPWIRE_EVENT_L7_PAYLOAD;
	task->pid = pid_tgid >> 32;
	task->tid = (__u32)pid_tgid;
	task->ktime_ns = bpf_ktime_get_ns();
	task->netns_ino = current->nsproxy->net_ns->ns.inum;
	task->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(task->comm, sizeof(task->comm));
	*start_ticks = current->group_leader->start_boottime / TAPWIRE_NS_PER_TICK;
}

/* The file behind an fd of the current task, as tapwire_file_of_fd() but with plain loads up to the fd array. */
static __always_inline struct file *tapwire_l7_file_of_fd(long fd)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task_btf();
	struct fdtable *fdt = current->files->fdt;
	struct file *file = NULL;
	__u64 fds;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	/* A variable index into the array cannot be a typed load: one probe read for that hop. */
	fds = (__u64)fdt->fd;
	if (bpf_probe_read_kernel(&file, sizeof(file), (void *)(fds + fd * sizeof(file))))
		return NULL;
	return file;
}

/* Learns what an fd's file is (see struct tapwire_l7_fd); false for a file that is no socket (not remembered). */
static __always_inline bool tapwire_learn_fd(struct tapwire_l7_fd *entry, struct file *file, __u64 key,
					     __u64 exclusions)
{
	struct socket *socket = tapwire_socket_of_file(file);
	struct sock *sk;
	__u16 protocol, type, family, local_port;

	if (!socket)
		return false;
	__builtin_memset(entry, 0, sizeof(*entry));
	entry->file = (__u64)file;
	entry->socket_ino = BPF_CORE_READ(file, f_inode, i_ino);
	sk = BPF_CORE_READ(socket, sk);
	if (sk) {
		family = BPF_CORE_READ(sk, __sk_common.skc_family);
		protocol = BPF_CORE_READ(sk, sk_protocol);
		type = BPF_CORE_READ(sk, sk_type);
		if (family == TAPWIRE_AF_INET || family == TAPWIRE_AF_INET6) {
			if (protocol == TAPWIRE_IPPROTO_TCP && type == TAPWIRE_SOCK_STREAM)
				entry->transport = TAPWIRE_L7_TCP;
			else if (protocol == TAPWIRE_IPPROTO_UDP && type == TAPWIRE_SOCK_DGRAM)
				entry->transport = TAPWIRE_L7_UDP;
		}
		entry->sk = (__u64)sk;
		if (entry->transport == TAPWIRE_L7_TCP) {
			__u64 sock_key = (__u64)sk;
			struct tapwire_socket *owner = bpf_map_lookup_elem(&tapwire_sockets, &sock_key);

			entry->role = owner ? owner->role : TAPWIRE_ROLE_UNKNOWN;
		}
	}
	entry->exclusions = exclusions;
	entry->excluded = tapwire_pid_excluded(key >> 32);
	if (entry->transport) {
		local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
		if (!entry->excluded && tapwire_port_excluded(local_port))
			entry->excluded = 1;
		/* No local port yet (a UDP socket before its first send): judged again at the next call. */
		if (!local_port)
			return true;
	}
	bpf_map_update_elem(&tapwire_l7_fds, &key, entry, BPF_ANY);
	return true;
}

/* When the current thread's payload syscall started, from its enter; the exit's own time if it has none. */
static __always_inline __u64 tapwire_l7_start_ns(__u8 syscall)
{
	struct tapwire_l7_started *started = bpf_task_storage_get(&tapwire_l7_started,
								  (struct task_struct *)bpf_get_current_task_btf(), 0, 0);

	/* A started call of another syscall is one whose exit was never seen (the thread died in it). */
	if (started && started->syscall == syscall) {
		started->syscall = 0;
		return started->ns;
	}
	return bpf_ktime_get_ns();
}

/* The state of one tapwire_mmsg_bytes(), for its bpf_loop() callback. */
struct tapwire_mmsg_sum {
	__u64 vec;
	__u64 count;
	__u64 bytes;
};

static long tapwire_mmsg_length(__u32 i, void *context)
{
	struct tapwire_mmsg_sum *m = context;
	__u32 length;

	if (i >= m->count
	    || bpf_probe_read_user(&length, sizeof(length), (const void *)(m->vec + (__u64)i * TAPWIRE_MMSGHDR_SIZE + 56)))
		return 1;
	m->bytes += length;
	return 0;
}

/* The bytes of the first `count` messages of a recvmmsg/sendmmsg vector (msg_len, which the kernel filled in). */
static __always_inline __u64 tapwire_mmsg_bytes(__u64 vec, __u64 count)
{
	struct tapwire_mmsg_sum m = {.vec = vec, .count = count};

	bpf_loop(TAPWIRE_L7_VLEN_MAX, tapwire_mmsg_length, &m, 0);
	return m.bytes;
}

/*
 * What a payload syscall that moved `moved` bytes (messages, for recvmmsg/sendmmsg) was about: false for anything
 * but a TCP/UDP socket that is a candidate and not excluded.
 */
static __always_inline bool tapwire_l7_call_of(struct tapwire_l7_call *p, long fd, __u64 buf, __u64 len, __u64 addr,
					       __u8 syscall, __u8 direction, __u64 moved)
{
	struct tapwire_l7_fd learnt, *known;
	struct tapwire_l7_conn *conn;
	struct file *file;
	struct sock *sk;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 exclusions = tapwire_exclusions_version_now();
	__u64 key;

	file = tapwire_l7_file_of_fd(fd);
	if (!file)
		return false;
	key = (pid_tgid & 0xFFFFFFFF00000000ULL) | (__u32)fd;
	known = bpf_map_lookup_elem(&tapwire_l7_fds, &key);
	/*
	 * A closed socket's struct file is often reused at once for the next socket: the inode tells them apart. The
	 * exclusion verdict is kept with the fd (two hash lookups fewer per call) while the exclusions are unchanged.
	 */
	if (!known || known->file != (__u64)file || TAPWIRE_TYPED(struct file, file)->f_inode->i_ino != known->socket_ino
	    || known->exclusions != exclusions) {
		if (!tapwire_learn_fd(&learnt, file, key, exclusions))
			return false;
		known = &learnt;
	}
	if (!known->transport || known->excluded)
		return false;
	p->transport = known->transport;
	p->socket_ino = known->socket_ino;
	sk = (struct sock *)known->sk;
	conn = tapwire_conn_of(sk, p->socket_ino);
	if (conn && conn->opaque)
		return false;
	/* size-only syscalls matter only on a connection already classified */
	if ((syscall == TAPWIRE_L7_SYS_SENDFILE || syscall == TAPWIRE_L7_SYS_SPLICE)
	    && (!conn || conn->protocol == TAPWIRE_L7_PROTO_UNKNOWN || p->transport != TAPWIRE_L7_TCP))
		return false;
	/* not skc_num: a reset that came in during the call zeroes it (inet_put_port()); inet_sport stays */
	p->sport = bpf_ntohs(TAPWIRE_TYPED(struct inet_sock, sk)->inet_sport);
	p->sk = (__u64)sk;
	p->buf = buf;
	p->len = len;
	p->addr = addr;
	p->fd = fd;
	p->syscall = syscall;
	p->direction = direction;
	p->start_ns = tapwire_l7_start_ns(syscall);
	if (p->transport == TAPWIRE_L7_TCP) {
		p->role = known->role;
		if (!conn)
			conn = tapwire_conn_for(p);
		if (syscall == TAPWIRE_L7_SYS_RECVMMSG || syscall == TAPWIRE_L7_SYS_SENDMMSG)
			moved = tapwire_mmsg_bytes(buf, moved);
		tapwire_tcp_position(p, sk, conn, moved);
	}
	if (conn)
		p->protocol = conn->protocol;
	return true;
}

/* ---------------------------------------------------------------------------------------------- */
/* Exit: classify and emit.                                                                        */

static __always_inline void tapwire_fill_peer_from_sockaddr(struct tapwire_l7_event *e, __u64 addr)
{
	/* struct sockaddr_in: family@0 port@2 addr@4; struct sockaddr_in6: family@0 port@2 addr@8 */
	__u8 raw[24] = {};

	if (!addr || bpf_probe_read_user(raw, sizeof(raw), (const void *)addr))
		return;
	e->dport = (raw[2] << 8) | raw[3];
	if ((raw[0] | (raw[1] << 8)) == TAPWIRE_AF_INET6) {
		__builtin_memcpy(e->daddr, raw + 8, 16);
	} else if ((raw[0] | (raw[1] << 8)) == TAPWIRE_AF_INET) {
		__builtin_memset(e->daddr, 0, 16);
		__builtin_memcpy(e->daddr, raw + 4, 4);
	}
}

static __always_inline void tapwire_fill_l7_tuple(struct tapwire_l7_event *e, struct sock *raw_sk, __u16 sport)
{
	struct sock *sk = TAPWIRE_TYPED(struct sock, raw_sk);
	__u16 family = sk->__sk_common.skc_family;

	e->family = family;
	e->sport = sport;
	e->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	__builtin_memset(e->saddr, 0, 16);
	__builtin_memset(e->daddr, 0, 16);
	if (family == TAPWIRE_AF_INET6) {
		__builtin_memcpy(e->saddr, &sk->__sk_common.skc_v6_rcv_saddr, 16);
		__builtin_memcpy(e->daddr, &sk->__sk_common.skc_v6_daddr, 16);
	} else {
		*(__be32 *)e->saddr = sk->__sk_common.skc_rcv_saddr;
		*(__be32 *)e->daddr = sk->__sk_common.skc_daddr;
	}
}

/*
 * Classifies a TCP connection on one message; the probe bytes are in s->data. Returns the protocol
 * (UNKNOWN: ship nothing) and gives up on the connection when it should.
 */
static __always_inline __u8 tapwire_classify_tcp(struct tapwire_l7_conn *conn, struct tapwire_l7_call *p,
						 const __u8 *b, __u32 n, __u64 count)
{
	bool at_start = (p->flags & TAPWIRE_L7_SEQ_VALID) && p->stream_offset == 0 && !(p->flags & TAPWIRE_L7_ROLE_GUESSED);
	__u8 protocol;

	if (conn->protocol != TAPWIRE_L7_PROTO_UNKNOWN)
		return conn->protocol;
	if (conn->request_dir && conn->request_dir != p->direction) {
		/* The response direction: only a server-first protocol can start here. */
		if (at_start && tapwire_mysql_greeting(b, n, count)) {
			conn->protocol = TAPWIRE_L7_PROTO_MYSQL;
			return conn->protocol;
		}
		return TAPWIRE_L7_PROTO_UNKNOWN;
	}
	protocol = tapwire_classify_request(b, n, count, at_start);
	if (protocol != TAPWIRE_L7_PROTO_UNKNOWN) {
		conn->protocol = protocol;
		conn->request_dir = p->direction;
		return protocol;
	}
	conn->tries += 1;
	if (at_start || conn->tries >= TAPWIRE_L7_MAX_TRIES)
		conn->opaque = 1;
	return TAPWIRE_L7_PROTO_UNKNOWN;
}

/*
 * Emits one event for `count` bytes of the data in the slot's iovecs (TAPWIRE_L7_SIZE_ONLY: no bytes). A global
 * function: the verifier checks it once on its own instead of once for every path that leads to it.
 */
__noinline int tapwire_emit(struct tapwire_l7_scratch *s, struct tapwire_l7_call *p, __u64 count, __u8 protocol,
			    __u64 peer)
{
	__u32 tail_bytes = tapwire_l7_setting(TAPWIRE_L7_SETTING_TAIL_BYTES, 64);
	__u32 head = 0, tail = 0, want_tail, copied, probe;
	struct tapwire_l7_event *e;
	struct sock *sk;
	__u64 size;
	__u16 flags;

	if (!s || !p)
		return 0;
	e = &s->event;
	sk = (struct sock *)p->sk;
	flags = p->flags;

	if (tail_bytes > TAPWIRE_L7_TAIL_CAP)
		tail_bytes = TAPWIRE_L7_TAIL_CAP;
	if (count > 0 && !(p->flags & TAPWIRE_L7_SIZE_ONLY)) {
		/*
		 * The configured head is in place already (tapwire_l7_message); a long SQL statement wants more of its
		 * message.
		 */
		copied = s->head_copied;
		flags |= s->head_flags;
		TAPWIRE_CLAMP(copied, TAPWIRE_L7_HEAD_CAP);
		probe = copied < TAPWIRE_L7_PROBE_LEN ? copied : TAPWIRE_L7_PROBE_LEN;
		head = tapwire_head_length(protocol, s->data, probe, count, copied);
		if (head > copied && !(flags & TAPWIRE_L7_READ_FAILED))
			copied += tapwire_copy(copied, copied, head - copied, &flags);
		if (head > copied)
			head = copied;
		if (count > head) {
			want_tail = count - head;
			if (want_tail > tail_bytes)
				want_tail = tail_bytes;
			TAPWIRE_CLAMP(want_tail, TAPWIRE_L7_TAIL_CAP);
			tail = tapwire_copy(head, count - want_tail, want_tail, &flags);
			flags |= TAPWIRE_L7_HEAD_TRUNCATED;
		}
	}
	tapwire_l7_fill_task(&e->task, &e->start_ticks);
	e->socket_ino = p->socket_ino;
	e->start_ns = p->start_ns;
	e->stream_offset = p->stream_offset;
	e->byte_count = count;
	tapwire_fill_l7_tuple(e, sk, p->sport);
	if (p->transport == TAPWIRE_L7_UDP && peer)
		tapwire_fill_peer_from_sockaddr(e, peer);
	e->role = p->role;
	e->direction = p->direction;
	e->tcp_seq = p->tcp_seq;
	e->head_len = head;
	e->tail_len = tail;
	e->flags = flags;
	e->protocol = protocol;
	e->syscall = p->syscall;
	e->fd = p->fd;
	e->transport = p->transport;
	e->reserved[0] = 0;
	e->reserved[1] = 0;
	e->reserved[2] = 0;
	size = sizeof(*e) + (__u64)head + tail;
	TAPWIRE_CLAMP(size, sizeof(struct tapwire_l7_event) + TAPWIRE_L7_HEAD_CAP + TAPWIRE_L7_TAIL_CAP);
	if (bpf_ringbuf_output(&tapwire_l7_events, s, size, 0))
		tapwire_count_drop(TAPWIRE_EVENT_L7_PAYLOAD);
	return 0;
}

/* One message of `count` bytes whose iovecs are in the slot: classify, then emit if known. Global, as tapwire_emit. */
__noinline int tapwire_l7_message(struct tapwire_l7_scratch *s, struct tapwire_l7_call *p,
				  struct tapwire_l7_conn *conn, __u64 count, __u64 peer)
{
	__u16 flags = 0;
	__u32 head_bytes = tapwire_l7_setting(TAPWIRE_L7_SETTING_HEAD_BYTES, 1024);
	__u32 first, probe;
	__u8 protocol, role;

	/* conn is NULL on a connection classified before: nothing of it is needed then */
	if (!s || !p)
		return 0;
	role = p->role;
	/*
	 * The head as configured, at once: the classifier reads its first bytes, the event ships it. One copy of user
	 * memory instead of a probe and then the head (a message the classifier rejects wastes the rest of it).
	 */
	first = count < head_bytes ? count : head_bytes;
	if (first > TAPWIRE_L7_HEAD_CAP)
		first = TAPWIRE_L7_HEAD_CAP;
	first = tapwire_copy(0, 0, first, &flags);
	s->head_copied = first;
	s->head_flags = flags;
	probe = first < TAPWIRE_L7_PROBE_LEN ? first : TAPWIRE_L7_PROBE_LEN;
	if (p->transport == TAPWIRE_L7_UDP) {
		if (!tapwire_dns_message(s->data, probe, count)) {
			/* on a socket not classified yet, a message that is no DNS counts as a try */
			if (p->protocol == TAPWIRE_L7_PROTO_UNKNOWN && conn && conn->protocol == TAPWIRE_L7_PROTO_UNKNOWN
			    && ++conn->tries >= TAPWIRE_L7_MAX_TRIES)
				conn->opaque = 1;
			return 0;
		}
		if (conn)
			conn->protocol = TAPWIRE_L7_PROTO_DNS;
		protocol = TAPWIRE_L7_PROTO_DNS;
		/* who asked: the sender of a query, the receiver of a response */
		role = ((p->direction == TAPWIRE_L7_SEND) == !(s->data[2] & 0x80)) ? TAPWIRE_ROLE_CLIENT : TAPWIRE_ROLE_SERVER;
	} else if (p->protocol != TAPWIRE_L7_PROTO_UNKNOWN) {
		protocol = p->protocol;
	} else {
		if (!conn)
			return 0;
		protocol = tapwire_classify_tcp(conn, p, s->data, probe, count);
		if (protocol == TAPWIRE_L7_PROTO_UNKNOWN)
			return 0;
	}
	p->role = role;
	return tapwire_emit(s, p, count, protocol, peer);
}

/* One recvmmsg/sendmmsg call, for the bpf_loop() over its messages (verified once, not once per message). */
struct tapwire_mmsg_state {
	struct tapwire_l7_call call;
	__u64 count; /* messages to look at */
};

static long tapwire_mmsg_message(__u32 i, void *context)
{
	struct tapwire_mmsg_state *m = context;
	struct tapwire_l7_scratch *s = tapwire_l7_slot();
	struct tapwire_l7_conn *conn;
	__u8 mmsg[TAPWIRE_MMSGHDR_SIZE];
	__u32 length;

	if (!s || i >= m->count)
		return 1;
	conn = tapwire_conn_of((struct sock *)m->call.sk, m->call.socket_ino);
	if (!conn || conn->opaque)
		return 1;
	if (bpf_probe_read_user(mmsg, sizeof(mmsg), (const void *)(m->call.buf + (__u64)i * TAPWIRE_MMSGHDR_SIZE)))
		return 1;
	if (!tapwire_load_iovecs(s, *(__u64 *)&mmsg[16], *(__u64 *)&mmsg[24], &m->call.flags))
		return 1;
	length = *(__u32 *)&mmsg[56];
	tapwire_l7_message(s, &m->call, conn, length, *(__u64 *)&mmsg[0]);
	/* the next message's bytes follow this one's in a TCP stream */
	if (m->call.transport == TAPWIRE_L7_TCP) {
		m->call.stream_offset += length;
		m->call.tcp_seq += length;
	}
	return 0;
}

/* Copies and emits what a call that returned `ret` > 0 moved. */
static __always_inline int tapwire_l7_exit(struct tapwire_l7_call *p, long ret)
{
	struct tapwire_l7_scratch *s;
	struct tapwire_l7_conn *conn;
	__u8 msghdr[TAPWIRE_MSGHDR_SIZE];
	__u64 peer = 0;

	s = tapwire_l7_slot();
	if (!s)
		return 0;
	/* A connection classified before needs nothing of its state here: one hash lookup fewer per call. */
	conn = NULL;
	if (p->protocol == TAPWIRE_L7_PROTO_UNKNOWN) {
		conn = tapwire_conn_for(p);
		if (!conn)
			return 0;
	}

	switch (p->syscall) {
	case TAPWIRE_L7_SYS_SENDFILE:
	case TAPWIRE_L7_SYS_SPLICE:
		/* tapwire_l7_call_of() let these through on a classified connection only */
		p->flags |= TAPWIRE_L7_SIZE_ONLY;
		s->iov_count = 0;
		tapwire_emit(s, p, ret, p->protocol, 0);
		return 0;
	case TAPWIRE_L7_SYS_READV:
	case TAPWIRE_L7_SYS_WRITEV:
		if (!tapwire_load_iovecs(s, p->buf, p->len, &p->flags))
			return 0;
		break;
	case TAPWIRE_L7_SYS_RECVMSG:
	case TAPWIRE_L7_SYS_SENDMSG:
		if (bpf_probe_read_user(msghdr, sizeof(msghdr), (const void *)p->buf))
			return 0;
		peer = *(__u64 *)&msghdr[0];
		if (!tapwire_load_iovecs(s, *(__u64 *)&msghdr[16], *(__u64 *)&msghdr[24], &p->flags))
			return 0;
		break;
	case TAPWIRE_L7_SYS_RECVMMSG:
	case TAPWIRE_L7_SYS_SENDMMSG: {
		struct tapwire_mmsg_state m = {.call = *p, .count = ret < TAPWIRE_L7_MMSG_MAX ? ret : TAPWIRE_L7_MMSG_MAX};

		bpf_loop(TAPWIRE_L7_MMSG_MAX, tapwire_mmsg_message, &m, 0);
		return 0;
	}
	default:
		tapwire_single_buffer(s, p->buf, ret);
		peer = p->addr;
		break;
	}
	tapwire_l7_message(s, p, conn, ret, peer);
	return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* The hooks: one program on the raw sys_enter tracepoint and one on sys_exit, for every syscall (see           */
/* tapwire_syscalls.bpf.h for why not the per-syscall tracepoints). Any syscall but the payload ones returns   */
/* after one switch.                                                                                         */

/* A payload syscall's enter: when it started, the one thing its exit cannot know. */
SEC("tp_btf/sys_enter")
int BPF_PROG(tapwire_sys_enter, struct pt_regs *regs, long nr)
{
	struct tapwire_l7_started *started;
	__u8 direction, syscall = tapwire_l7_syscall_of(nr, &direction);

	if (!syscall)
		return 0;
	started = bpf_task_storage_get(&tapwire_l7_started, (struct task_struct *)bpf_get_current_task_btf(), 0,
				       BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (started) {
		started->ns = bpf_ktime_get_ns();
		started->syscall = syscall;
	}
	return 0;
}

/*
 * The arguments are still in the saved registers at exit (the return value has its own). read(fd, buf, count),
 * readv(fd, iov, iovcnt), recvmsg(fd, msg, flags), recvmmsg(fd, msgvec, vlen, ...), recvfrom(fd, buf, len, flags,
 * addr, addrlen), sendto(fd, buf, len, flags, addr, addrlen), and the writing twins of the others; sendfile(out_fd,
 * in_fd, offset, count) and splice(fd_in, off_in, fd_out, off_out, len, flags) are size only.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(tapwire_sys_exit, struct pt_regs *regs, long ret)
{
	struct tapwire_l7_call call = {};
	__u8 direction, syscall = tapwire_l7_syscall_of(TAPWIRE_SYSCALL_NR(regs), &direction);
	long fd = TAPWIRE_SYSCALL_ARG0(regs);
	__u64 buf = TAPWIRE_SYSCALL_ARG1(regs), len = TAPWIRE_SYSCALL_ARG2(regs), addr = 0;

	if (!syscall || ret <= 0 || tapwire_compat_syscall((struct task_struct *)bpf_get_current_task_btf()))
		return 0;
	switch (syscall) {
	/* a peek leaves the bytes for the next read, which ships them */
	case TAPWIRE_L7_SYS_RECVFROM:
		if (TAPWIRE_SYSCALL_ARG3(regs) & TAPWIRE_MSG_PEEK)
			return 0;
		addr = TAPWIRE_SYSCALL_ARG4(regs);
		break;
	case TAPWIRE_L7_SYS_RECVMSG:
		if (TAPWIRE_SYSCALL_ARG2(regs) & TAPWIRE_MSG_PEEK)
			return 0;
		break;
	case TAPWIRE_L7_SYS_RECVMMSG:
		if (TAPWIRE_SYSCALL_ARG3(regs) & TAPWIRE_MSG_PEEK)
			return 0;
		break;
	case TAPWIRE_L7_SYS_SENDTO:
		addr = TAPWIRE_SYSCALL_ARG4(regs);
		break;
	case TAPWIRE_L7_SYS_SENDFILE:
		buf = len = 0;
		break;
	case TAPWIRE_L7_SYS_SPLICE:
		buf = len = 0;
		if (tapwire_socket_of_fd(TAPWIRE_SYSCALL_ARG2(regs))) {
			fd = TAPWIRE_SYSCALL_ARG2(regs);
			direction = TAPWIRE_L7_SEND;
		}
		break;
	}
	if (!tapwire_l7_call_of(&call, fd, buf, len, addr, syscall, direction, ret))
		return 0;
	return tapwire_l7_exit(&call, ret);
}
