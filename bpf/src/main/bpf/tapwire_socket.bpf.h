/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets as the TCP and L7 objects see them: the map of live TCP sockets and their owners, and the
 * walk from a syscall's fd to its struct sock.
 *
 * tapwire_tcp defines and fills tapwire_sockets; tapwire_l7 reads it (the collector hands it over
 * with bpf_map__reuse_fd() before tapwire_l7 loads), so the definition must stay identical in both.
 */
#ifndef TAPWIRE_SOCKET_BPF_H
#define TAPWIRE_SOCKET_BPF_H

#include "tapwire_common.bpf.h"

#define TAPWIRE_AF_INET 2
#define TAPWIRE_AF_INET6 10
#define TAPWIRE_IPPROTO_TCP 6
#define TAPWIRE_SOCK_STREAM 1
#define TAPWIRE_S_IFMT 0170000
#define TAPWIRE_S_IFSOCK 0140000
#define TAPWIRE_EINPROGRESS 115
#define TAPWIRE_EALREADY 114

#define TAPWIRE_IPPROTO_UDP 17

/* include/net/tcp_states.h */
#define TAPWIRE_TCP_ESTABLISHED 1
#define TAPWIRE_TCP_SYN_SENT 2
#define TAPWIRE_TCP_SYN_RECV 3
#define TAPWIRE_TCP_FIN_WAIT1 4
#define TAPWIRE_TCP_FIN_WAIT2 5
#define TAPWIRE_TCP_TIME_WAIT 6
#define TAPWIRE_TCP_CLOSE 7
#define TAPWIRE_TCP_CLOSE_WAIT 8
#define TAPWIRE_TCP_LAST_ACK 9
#define TAPWIRE_TCP_LISTEN 10
#define TAPWIRE_TCP_CLOSING 11
#define TAPWIRE_TCP_NEW_SYN_RECV 12
#define TAPWIRE_SOCK_DGRAM 2

/*
 * Live sockets and their owners (struct tapwire_socket), keyed by the struct sock's address. An
 * entry goes when its socket reaches TCP_CLOSE; LRU so that a socket whose end was never seen (a
 * missed event under load) cannot fill the map. Sized by the collector before load.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct tapwire_socket);
} tapwire_sockets SEC(".maps");

/* The file behind an fd of the current task (task->files->fdt->fd[fd]), or NULL. */
static __always_inline struct file *tapwire_file_of_fd(long fd)
{
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(current, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

/* The socket a file is, or NULL if it is no socket. */
static __always_inline struct socket *tapwire_socket_of_file(struct file *file)
{
	umode_t mode;

	if (!file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & TAPWIRE_S_IFMT) != TAPWIRE_S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(file, private_data);
}

/* The socket behind an fd of the current task, or NULL if it is no socket. */
static __always_inline struct socket *tapwire_socket_of_fd(long fd)
{
	return tapwire_socket_of_file(tapwire_file_of_fd(fd));
}

/* The TCP sock of an fd of the current task, or NULL for anything but an IPv4/IPv6 TCP socket. */
static __always_inline struct sock *tapwire_tcp_sock_of_fd(long fd)
{
	struct socket *socket = tapwire_socket_of_fd(fd);
	struct sock *sk;
	__u16 family;

	if (!socket)
		return NULL;
	sk = BPF_CORE_READ(socket, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != TAPWIRE_IPPROTO_TCP
	    || BPF_CORE_READ(sk, sk_type) != TAPWIRE_SOCK_STREAM)
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != TAPWIRE_AF_INET && family != TAPWIRE_AF_INET6)
		return NULL;
	return sk;
}

/* SOCK_INODE(sk->sk_socket)->i_ino; 0 once the socket is orphaned, or for a child not yet accepted. */
static __always_inline __u64 tapwire_sock_ino(struct sock *sk)
{
	struct socket *socket = BPF_CORE_READ(sk, sk_socket);
	struct socket_alloc *alloc;

	if (!socket)
		return 0;
	alloc = (void *)socket - bpf_core_field_offset(struct socket_alloc, socket);
	return BPF_CORE_READ(alloc, vfs_inode.i_ino);
}

#endif /* TAPWIRE_SOCKET_BPF_H */
