/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event records the kernel programs write to BPF ring buffers, and the map keys and values user
 * space reads or writes.
 *
 * Read by both sides: the BPF programs include this file, and the Java decoders in edge-collector
 * (io.tapwire.collector.bpf: RecordFields, ProcessEventDecoder, TcpEventDecoder,
 * FileEventDecoder, ExclusionMaps) mirror every offset below as a constant. Change both together;
 * the _Static_asserts make the compiler reject a layout that no longer matches the documented
 * offsets.
 *
 * Layout rules: little-endian (the host's order; BPF runs in host byte order), every field
 * naturally aligned, no implicit padding. Every record starts with a struct tapwire_task whose first
 * __u32 is the event type, so one poller can drain several ring buffers and tell the records apart.
 */
#ifndef TAPWIRE_EVENTS_H
#define TAPWIRE_EVENTS_H

/* Event types: the first __u32 of every record, and the key of the tapwire_ringbuf_drops map. */
#define TAPWIRE_EVENT_PROCESS_EXEC 1        /* struct tapwire_exec_event */
#define TAPWIRE_EVENT_PROCESS_START 2       /* struct tapwire_process_event */
#define TAPWIRE_EVENT_PROCESS_EXIT 3        /* struct tapwire_process_event */
#define TAPWIRE_EVENT_PROCESS_OOM_KILL 4    /* struct tapwire_process_event */
#define TAPWIRE_EVENT_TCP_LISTEN_OPEN 5     /* struct tapwire_tcp_event, and so on up to 12 */
#define TAPWIRE_EVENT_TCP_LISTEN_CLOSE 6
#define TAPWIRE_EVENT_TCP_CONNECT_OK 7
#define TAPWIRE_EVENT_TCP_CONNECT_FAILED 8
#define TAPWIRE_EVENT_TCP_ACCEPT 9
#define TAPWIRE_EVENT_TCP_CLOSE 10
#define TAPWIRE_EVENT_TCP_RETRANSMIT 11
#define TAPWIRE_EVENT_TCP_STATS 12
#define TAPWIRE_EVENT_FILE_OPEN_WRITE 13    /* struct tapwire_file_event */
#define TAPWIRE_EVENT_L7_PAYLOAD 14         /* struct tapwire_l7_event, followed by its head and tail bytes */
#define TAPWIRE_EVENT_TYPE_COUNT 16 /* upper bound for event type values (drops map size) */

#define TAPWIRE_COMM_LEN 16      /* TASK_COMM_LEN */
#define TAPWIRE_FILENAME_LEN 256 /* longer exec and open paths are truncated and flagged */

/* /proc/<pid>/stat reports start time in clock ticks of USER_HZ = 100: ns / (NSEC_PER_SEC / USER_HZ). */
#define TAPWIRE_NS_PER_TICK 10000000ULL

/*
 * The task an event is about, or that did the syscall; the first 48 bytes of every record.
 * For TCP events that fire in softirq context it is the socket's owner as last seen in process
 * context (see struct tapwire_socket below).
 */
struct tapwire_task {
	__u32 type;      /*  0  TAPWIRE_EVENT_* */
	__u32 pid;       /*  4  thread-group id in the initial pid namespace (what the host calls the pid) */
	__u64 ktime_ns;  /*  8  bpf_ktime_get_ns() at the event: CLOCK_MONOTONIC, nanoseconds */
	__u32 tid;       /* 16  thread id in the initial pid namespace */
	__u32 netns_ino; /* 20  nsproxy->net_ns->ns.inum: the inode of /proc/<pid>/ns/net */
	__u64 cgroup_id; /* 24  cgroup v2 id (inode of the cgroup2 directory); 1 = root cgroup */
	char comm[TAPWIRE_COMM_LEN]; /* 32  task->comm, NUL-padded; all 16 bytes used when 16 long */
};

_Static_assert(__builtin_offsetof(struct tapwire_task, pid) == 4, "task.pid offset");
_Static_assert(__builtin_offsetof(struct tapwire_task, ktime_ns) == 8, "task.ktime_ns offset");
_Static_assert(__builtin_offsetof(struct tapwire_task, tid) == 16, "task.tid offset");
_Static_assert(__builtin_offsetof(struct tapwire_task, netns_ino) == 20, "task.netns_ino offset");
_Static_assert(__builtin_offsetof(struct tapwire_task, cgroup_id) == 24, "task.cgroup_id offset");
_Static_assert(__builtin_offsetof(struct tapwire_task, comm) == 32, "task.comm offset");
_Static_assert(sizeof(struct tapwire_task) == 48, "tapwire_task size");

/* tapwire_process_event.flags */
#define TAPWIRE_EXEC_FILENAME_TRUNCATED 0x1 /* EXEC: the path was longer than the filename field */
#define TAPWIRE_OOM_VICTIM_NOT_CURRENT 0x2  /* OOM_KILL: see struct tapwire_process_event */
#define TAPWIRE_OOM_RSS_UNKNOWN 0x4         /* OOM_KILL: this kernel's mark_victim reports no rss */

/*
 * Process lifecycle, from tapwire_process.bpf.c. 80 bytes.
 *
 * START (task/task_newtask): a new process (not a thread); task is the child.
 * EXIT (sched/sched_process_exit): the last thread of the process exited; task is that thread.
 * OOM_KILL (oom/mark_victim): the OOM killer chose the process. task.pid and task.comm are the
 *   victim's. The tracepoint runs in the task that ran out of memory; when that is the victim itself
 *   (the usual case) every field describes the victim. When it is another process,
 *   TAPWIRE_OOM_VICTIM_NOT_CURRENT is set and tid, netns_ino, cgroup_id, start_ticks, ppid and uid
 *   are 0: the collector knows them from the victim's earlier events or /proc.
 */
struct tapwire_process_event {
	struct tapwire_task task; /*  0 */
	__u64 start_ticks;        /* 48  group leader's start_boottime in USER_HZ ticks: field 22 (starttime) of /proc/<pid>/stat */
	__u32 ppid;               /* 56  real_parent->tgid: the forking parent, or the reaper that adopted it */
	__u32 uid;                /* 60  real uid */
	__u32 exit_code;          /* 64  EXIT: task->exit_code as wait(2) sees it: status << 8 | 0x80 (core) | signal */
	__u32 flags;              /* 68  TAPWIRE_EXEC_* / TAPWIRE_OOM_* bits */
	__u64 oom_rss_bytes;      /* 72  OOM_KILL: anon + file + shmem rss of the victim, bytes */
};

_Static_assert(__builtin_offsetof(struct tapwire_process_event, start_ticks) == 48, "start_ticks offset");
_Static_assert(__builtin_offsetof(struct tapwire_process_event, ppid) == 56, "ppid offset");
_Static_assert(__builtin_offsetof(struct tapwire_process_event, uid) == 60, "uid offset");
_Static_assert(__builtin_offsetof(struct tapwire_process_event, exit_code) == 64, "exit_code offset");
_Static_assert(__builtin_offsetof(struct tapwire_process_event, flags) == 68, "flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_process_event, oom_rss_bytes) == 72, "oom_rss_bytes offset");
_Static_assert(sizeof(struct tapwire_process_event) == 80, "tapwire_process_event size");

/* One successful execve (sched/sched_process_exec): the process fields plus the path. 344 bytes. */
struct tapwire_exec_event {
	struct tapwire_process_event process; /*  0  type EXEC; tid == pid, since exec makes the caller the leader */
	__u32 filename_len;                   /* 80  bytes of filename before its NUL, 0..TAPWIRE_FILENAME_LEN-1 */
	__u32 reserved;                       /* 84  0 */
	char filename[TAPWIRE_FILENAME_LEN];  /* 88  path given to execve (not resolved through symlinks), NUL-terminated */
};

_Static_assert(__builtin_offsetof(struct tapwire_exec_event, filename_len) == 80, "filename_len offset");
_Static_assert(__builtin_offsetof(struct tapwire_exec_event, filename) == 88, "filename offset");
_Static_assert(sizeof(struct tapwire_exec_event) == 344, "tapwire_exec_event size");

/* Which end of a connection a socket is; the values of the Avro enum ConnectionRole's symbols. */
#define TAPWIRE_ROLE_UNKNOWN 0  /* first seen mid-life (a socket older than the collector) */
#define TAPWIRE_ROLE_CLIENT 1   /* connect() */
#define TAPWIRE_ROLE_SERVER 2   /* returned by accept() */
#define TAPWIRE_ROLE_LISTENER 3 /* listen() */

/* tapwire_tcp_event.flags */
#define TAPWIRE_TCP_OWNER_UNKNOWN 0x1 /* never seen in process context: task is all zeros but type and ktime */

/*
 * One TCP lifecycle event of one socket, from tapwire_tcp.bpf.c. 152 bytes.
 *
 * LISTEN_OPEN / LISTEN_CLOSE: the socket entered / left LISTEN.
 * CONNECT_OK: SYN_SENT -> ESTABLISHED; handshake_ns is the time between.
 * CONNECT_FAILED: SYN_SENT -> CLOSE (error from sk_err), or connect() failed before sending a SYN
 *   (error from its return value; fd set).
 * ACCEPT: accept/accept4 returned this socket (fd set).
 * CLOSE: a connected or accepted socket reached TCP_CLOSE; the counters are final.
 * RETRANSMIT: tcp_retransmit_skb sent segments again; segments says how many the kernel counted (RetransSegs,
 *   total_retrans) since the socket's last RETRANSMIT event.
 * STATS: counters of a live connection, at most once per configured interval while it receives.
 *
 * Byte counters are payload bytes. tcp_sock's bytes_acked and bytes_received count sequence space,
 * in which the SYN and the FIN take one byte each; the kernel side takes them out: the SYN from
 * bytes_acked of a socket seen connecting (an accepted socket's count never includes it), the FIN
 * from bytes_acked once the peer acknowledged it, and the peer's FIN from bytes_received once it
 * arrived. For a socket of role UNKNOWN that was actively opened before the collector started,
 * bytes_acked may still include its SYN (1 byte too many).
 */
struct tapwire_tcp_event {
	struct tapwire_task task; /*   0 */
	__u64 socket_ino;         /*  48  SOCK_INODE(socket)->i_ino: socket:[inode] in /proc/<pid>/fd */
	__u64 handshake_ns;       /*  56  CONNECT_OK */
	__u64 bytes_acked;        /*  64  CLOSE, STATS, RETRANSMIT: payload bytes the peer acknowledged (see below) */
	__u64 bytes_received;     /*  72  CLOSE, STATS, RETRANSMIT: payload bytes received in order (see below) */
	__u8 saddr[16];           /*  80  local address: 4 bytes for AF_INET (rest zero), 16 for AF_INET6; network order */
	__u8 daddr[16];           /*  96  remote address, same encoding */
	__u16 family;             /* 112  AF_INET (2) or AF_INET6 (10) */
	__u16 sport;              /* 114  local port, host order */
	__u16 dport;              /* 116  remote port, host order */
	__u8 role;                /* 118  TAPWIRE_ROLE_* */
	__u8 state;               /* 119  TCP state at the event (new state for a state change), TCP_* numbering; 0 unknown */
	__s32 fd;                 /* 120  the fd in the syscall that produced the event, -1 for others */
	__u32 error;              /* 124  CONNECT_FAILED: positive errno (111 ECONNREFUSED, 110 ETIMEDOUT), 0 if none given */
	__u32 srtt_us;            /* 128  CLOSE, STATS, RETRANSMIT: tcp_sock srtt_us >> 3 */
	__u32 total_retrans;      /* 132  CLOSE, STATS, RETRANSMIT: tcp_sock total_retrans (segments) */
	__u32 segments;           /* 136  RETRANSMIT: segments counted since the socket's last RETRANSMIT */
	__u32 flags;              /* 140  TAPWIRE_TCP_* bits */
	__u64 start_ticks;        /* 144  the task's process start time, as tapwire_process_event.start_ticks; 0 with OWNER_UNKNOWN */
};

_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, socket_ino) == 48, "socket_ino offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, handshake_ns) == 56, "handshake_ns offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, bytes_acked) == 64, "bytes_acked offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, bytes_received) == 72, "bytes_received offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, saddr) == 80, "saddr offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, daddr) == 96, "daddr offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, family) == 112, "family offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, sport) == 114, "sport offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, dport) == 116, "dport offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, role) == 118, "role offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, state) == 119, "state offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, fd) == 120, "fd offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, error) == 124, "error offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, srtt_us) == 128, "srtt_us offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, total_retrans) == 132, "total_retrans offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, segments) == 136, "segments offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, flags) == 140, "tcp flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_tcp_event, start_ticks) == 144, "tcp start_ticks offset");
_Static_assert(sizeof(struct tapwire_tcp_event) == 152, "tapwire_tcp_event size");

/* tapwire_file_event.path_flags */
#define TAPWIRE_FILE_PATH_TRUNCATED 0x1

/* openat() for writing (O_WRONLY or O_RDWR) that succeeded, from tapwire_file.bpf.c. 328 bytes. */
struct tapwire_file_event {
	struct tapwire_task task;        /*  0  the thread that opened the file */
	__s32 fd;                        /* 48  openat's return value */
	__u32 open_flags;                /* 52  flags as passed (O_WRONLY 01, O_RDWR 02, O_CREAT 0100, O_APPEND 02000, ...) */
	__u32 mode;                      /* 56  mode as passed (meaningful with O_CREAT) */
	__u16 path_len;                  /* 60  bytes of path before its NUL */
	__u16 path_flags;                /* 62  TAPWIRE_FILE_PATH_* bits */
	char path[TAPWIRE_FILENAME_LEN]; /* 64  path as passed (relative to dirfd or the cwd, not resolved), NUL-terminated */
	__u64 start_ticks;               /* 320  the task's process start time, as tapwire_process_event.start_ticks */
};

_Static_assert(__builtin_offsetof(struct tapwire_file_event, fd) == 48, "file fd offset");
_Static_assert(__builtin_offsetof(struct tapwire_file_event, open_flags) == 52, "open_flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_file_event, mode) == 56, "mode offset");
_Static_assert(__builtin_offsetof(struct tapwire_file_event, path_len) == 60, "path_len offset");
_Static_assert(__builtin_offsetof(struct tapwire_file_event, path_flags) == 62, "path_flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_file_event, path) == 64, "path offset");
_Static_assert(__builtin_offsetof(struct tapwire_file_event, start_ticks) == 320, "file start_ticks offset");
_Static_assert(sizeof(struct tapwire_file_event) == 328, "tapwire_file_event size");

/* Protocol hints of the L7 classifier; the values of io.tapwire.collector.l7.L7Protocol's ids. */
#define TAPWIRE_L7_PROTO_UNKNOWN 0
#define TAPWIRE_L7_PROTO_HTTP1 1
#define TAPWIRE_L7_PROTO_POSTGRES 2
#define TAPWIRE_L7_PROTO_MYSQL 3
#define TAPWIRE_L7_PROTO_REDIS 4
#define TAPWIRE_L7_PROTO_MEMCACHED 5
#define TAPWIRE_L7_PROTO_DNS 6

/* tapwire_l7_event.direction */
#define TAPWIRE_L7_SEND 1    /* the task wrote the bytes */
#define TAPWIRE_L7_RECEIVE 2 /* the task read the bytes */

/* tapwire_l7_event.transport */
#define TAPWIRE_L7_TCP 6
#define TAPWIRE_L7_UDP 17

/* tapwire_l7_event.syscall: which call moved the bytes */
#define TAPWIRE_L7_SYS_READ 1
#define TAPWIRE_L7_SYS_READV 2
#define TAPWIRE_L7_SYS_RECVFROM 3
#define TAPWIRE_L7_SYS_RECVMSG 4
#define TAPWIRE_L7_SYS_RECVMMSG 5
#define TAPWIRE_L7_SYS_WRITE 6
#define TAPWIRE_L7_SYS_WRITEV 7
#define TAPWIRE_L7_SYS_SENDTO 8
#define TAPWIRE_L7_SYS_SENDMSG 9
#define TAPWIRE_L7_SYS_SENDMMSG 10
#define TAPWIRE_L7_SYS_SENDFILE 11
#define TAPWIRE_L7_SYS_SPLICE 12

/* tapwire_l7_event.flags */
#define TAPWIRE_L7_HEAD_TRUNCATED 0x1 /* byte_count > head_len: the head is not all of the data */
#define TAPWIRE_L7_SIZE_ONLY 0x2      /* sendfile/splice: no bytes visible, head_len and tail_len are 0 */
#define TAPWIRE_L7_SEQ_VALID 0x4      /* tcp_seq and stream_offset are set (TCP) */
#define TAPWIRE_L7_IOV_LIMIT 0x8      /* the data spanned more iovecs than the kernel walks: head or tail is short */
#define TAPWIRE_L7_READ_FAILED 0x10   /* user memory could not be read: head or tail is short */
#define TAPWIRE_L7_ROLE_GUESSED 0x20  /* role UNKNOWN: a send's stream_offset counts a SYN if the socket connected */

/* The hard caps of the configurable head and tail sizes (TAPWIRE_L7_SETTING_HEAD_BYTES, _TAIL_BYTES). */
#define TAPWIRE_L7_HEAD_CAP 16384
#define TAPWIRE_L7_TAIL_CAP 1024

/*
 * One read or write of a socket whose connection the classifier recognised, from tapwire_l7.bpf.c:
 * 152 bytes, then head_len bytes of head and tail_len bytes of tail (the record is 152 + head_len +
 * tail_len bytes). task is the thread that did the syscall, task.ktime_ns the syscall's exit.
 *
 * The head is the first bytes of the data; when the data is longer than the head, the tail is its
 * last bytes (never overlapping the head). stream_offset is the number of payload bytes that went
 * this direction on the connection before the first byte of this one, from the connection's start
 * (derived from tcp_sock's counters, so it is right also for connections older than the collector
 * and across traffic the classifier shipped nothing for). tcp_seq is the TCP sequence number of the
 * first byte: write_seq at a send, copied_seq at a receive, read at the syscall's enter.
 */
struct tapwire_l7_event {
	struct tapwire_task task; /*   0 */
	__u64 socket_ino;         /*  48  the connection id's inode */
	__u64 start_ns;           /*  56  bpf_ktime_get_ns() at the syscall's enter */
	__u64 stream_offset;      /*  64  see above; 0 for UDP */
	__u64 byte_count;         /*  72  bytes the syscall moved (this message's, for recvmmsg/sendmmsg) */
	__u64 start_ticks;        /*  80  the task's process start time, as tapwire_process_event.start_ticks */
	__u8 saddr[16];           /*  88  local address, as tapwire_tcp_event.saddr */
	__u8 daddr[16];           /* 104  peer address (UDP: the datagram's peer) */
	__u16 family;             /* 120  AF_INET or AF_INET6 */
	__u16 sport;              /* 122  local port, host order */
	__u16 dport;              /* 124  peer port, host order */
	__u8 role;                /* 126  TAPWIRE_ROLE_*; for UDP, CLIENT when the task asked, SERVER when it answered */
	__u8 direction;           /* 127  TAPWIRE_L7_SEND or TAPWIRE_L7_RECEIVE */
	__u32 tcp_seq;            /* 128  with TAPWIRE_L7_SEQ_VALID */
	__u32 head_len;           /* 132  bytes of head following the struct */
	__u32 tail_len;           /* 136  bytes of tail following the head */
	__u16 flags;              /* 140  TAPWIRE_L7_* bits */
	__u8 protocol;            /* 142  TAPWIRE_L7_PROTO_* */
	__u8 syscall;             /* 143  TAPWIRE_L7_SYS_* */
	__s32 fd;                 /* 144 */
	__u8 transport;           /* 148  TAPWIRE_L7_TCP or TAPWIRE_L7_UDP */
	__u8 reserved[3];         /* 149  0 */
};

_Static_assert(__builtin_offsetof(struct tapwire_l7_event, socket_ino) == 48, "l7 socket_ino offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, start_ns) == 56, "l7 start_ns offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, stream_offset) == 64, "l7 stream_offset offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, byte_count) == 72, "l7 byte_count offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, start_ticks) == 80, "l7 start_ticks offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, saddr) == 88, "l7 saddr offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, daddr) == 104, "l7 daddr offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, family) == 120, "l7 family offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, sport) == 122, "l7 sport offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, dport) == 124, "l7 dport offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, role) == 126, "l7 role offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, direction) == 127, "l7 direction offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, tcp_seq) == 128, "l7 tcp_seq offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, head_len) == 132, "l7 head_len offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, tail_len) == 136, "l7 tail_len offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, flags) == 140, "l7 flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, protocol) == 142, "l7 protocol offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, syscall) == 143, "l7 syscall offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, fd) == 144, "l7 fd offset");
_Static_assert(__builtin_offsetof(struct tapwire_l7_event, transport) == 148, "l7 transport offset");
_Static_assert(sizeof(struct tapwire_l7_event) == 152, "tapwire_l7_event size");

/* Indexes of the tapwire_l7_settings array map (__u64 values), written by user space after load. */
#define TAPWIRE_L7_SETTING_HEAD_BYTES 0 /* N: head bytes per event, 1..TAPWIRE_L7_HEAD_CAP */
#define TAPWIRE_L7_SETTING_TAIL_BYTES 1 /* M: tail bytes per event, 0..TAPWIRE_L7_TAIL_CAP */
#define TAPWIRE_L7_SETTING_COUNT 2

/* tapwire_socket.flags */
#define TAPWIRE_SOCKET_EXCLUDED 0x1    /* the owner was excluded: no event about this socket is emitted */
#define TAPWIRE_SOCKET_CONNECTED 0x2   /* reached ESTABLISHED (connect) or was accepted: CLOSE will be reported */

/*
 * Value of the tapwire_sockets map (key: the struct sock's kernel address, __u64): every TCP socket
 * seen in process context and not yet closed. Written at connect, accept, listen and at the first
 * close-side state change of an older socket; read where TCP events fire in softirq context, where
 * the current task is whoever the interrupt happened to hit. User space may iterate it as the
 * list of live connections. 72 bytes.
 */
struct tapwire_socket {
	__u64 socket_ino;    /*  0 */
	__u64 syn_sent_ns;   /*  8  when it entered SYN_SENT; 0 if it never did */
	__u64 last_stats_ns; /* 16  when the last STATS event (or CONNECT_OK / ACCEPT) was emitted, by tapwire_stats_clock_ns() */
	__u64 cgroup_id;     /* 24  owner's cgroup v2 id */
	__u32 pid;           /* 32  owner's tgid */
	__u32 tid;           /* 36  owner's thread id */
	__u32 netns_ino;     /* 40  owner's network namespace */
	__u8 role;           /* 44  TAPWIRE_ROLE_* */
	__u8 flags;          /* 45  TAPWIRE_SOCKET_* bits */
	__u16 local_port;    /* 46  last local port seen (host order), for events after the port was released */
	char comm[TAPWIRE_COMM_LEN]; /* 48 */
	__u64 start_ticks;   /* 64  owner's process start time, as tapwire_process_event.start_ticks */
	__u32 reported_retrans; /* 72  tcp_sock total_retrans as of the last RETRANSMIT event (or when remembered) */
	__u32 reserved;      /* 76 */
};

_Static_assert(__builtin_offsetof(struct tapwire_socket, syn_sent_ns) == 8, "syn_sent_ns offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, last_stats_ns) == 16, "last_stats_ns offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, cgroup_id) == 24, "socket cgroup_id offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, pid) == 32, "socket pid offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, tid) == 36, "socket tid offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, netns_ino) == 40, "socket netns_ino offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, role) == 44, "socket role offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, flags) == 45, "socket flags offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, local_port) == 46, "socket local_port offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, comm) == 48, "socket comm offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, start_ticks) == 64, "socket start_ticks offset");
_Static_assert(__builtin_offsetof(struct tapwire_socket, reported_retrans) == 72, "socket reported_retrans offset");
_Static_assert(sizeof(struct tapwire_socket) == 80, "tapwire_socket size");

/*
 * Exclusion maps, filled by user space (io.tapwire.collector.bpf.ExclusionMaps):
 * tapwire_excluded_pids: key __u32 tgid, value __u32 TAPWIRE_EXCLUDED_*; the kernel adds the
 *   children of an excluded process (TAPWIRE_EXCLUDED_INHERITED) and removes a pid when its task is freed.
 * tapwire_excluded_ports: key __u16 local port (host order), value __u8 1.
 */
#define TAPWIRE_EXCLUDED_CONFIGURED 1
#define TAPWIRE_EXCLUDED_INHERITED 2
/* Excluded itself, its children not: a launcher whose children are the workload (the local stack's demo). */
#define TAPWIRE_EXCLUDED_ALONE 3

/* Index 0 of the tapwire_tcp_settings array map (__u64 values), written by user space after load. */
#define TAPWIRE_TCP_SETTING_STATS_INTERVAL_NS 0 /* 0 disables STATS events */
#define TAPWIRE_TCP_SETTING_COUNT 1

#endif /* TAPWIRE_EVENTS_H */
