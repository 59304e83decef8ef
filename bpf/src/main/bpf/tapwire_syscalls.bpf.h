/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a program on the raw sys_enter/sys_exit tracepoints needs to know of a syscall: its number (and which payload
 * syscall of the L7 capture it is), its arguments, and whether the task made it through a 32-bit ABI (whose numbers mean other syscalls: the per-syscall tracepoints skip
 * those calls too).
 *
 * Why the raw tracepoints: a program on tracepoint/syscalls/sys_enter_<name> is reached through the perf trace path,
 * which builds a record of the call's arguments before it runs the program. On this machine that dispatch alone cost
 * ~460 ns per traced syscall, a raw tp_btf program on every syscall ~180 (bin/run-benchmark-syscall-floor).
 */
#ifndef TAPWIRE_SYSCALLS_BPF_H
#define TAPWIRE_SYSCALLS_BPF_H

#include "tapwire_vmlinux.h"
#include "tapwire_events.h"

#if defined(__TARGET_ARCH_x86)
/* arch/x86/entry/syscalls/syscall_64.tbl */
#define TAPWIRE_NR_READ 0
#define TAPWIRE_NR_WRITE 1
#define TAPWIRE_NR_READV 19
#define TAPWIRE_NR_WRITEV 20
#define TAPWIRE_NR_SENDFILE 40
#define TAPWIRE_NR_SENDTO 44
#define TAPWIRE_NR_RECVFROM 45
#define TAPWIRE_NR_SENDMSG 46
#define TAPWIRE_NR_RECVMSG 47
#define TAPWIRE_NR_SPLICE 275
#define TAPWIRE_NR_RECVMMSG 299
#define TAPWIRE_NR_SENDMMSG 307

#define TAPWIRE_TS_COMPAT 0x0002

/* The syscall's arguments as the entry code saved them (the fourth is in r10: rcx holds the return address). */
#define TAPWIRE_SYSCALL_ARG0(regs) ((regs)->di)
#define TAPWIRE_SYSCALL_ARG1(regs) ((regs)->si)
#define TAPWIRE_SYSCALL_ARG2(regs) ((regs)->dx)
#define TAPWIRE_SYSCALL_ARG3(regs) ((regs)->r10)
#define TAPWIRE_SYSCALL_ARG4(regs) ((regs)->r8)
#define TAPWIRE_SYSCALL_NR(regs) ((long)(regs)->orig_ax)

/* An ia32 syscall, from a 32-bit task or a 64-bit one's int 0x80 (x32 numbers carry a bit no case matches). */
static __always_inline bool tapwire_compat_syscall(struct task_struct *task)
{
	return task->thread_info.status & TAPWIRE_TS_COMPAT;
}
#elif defined(__TARGET_ARCH_arm64)
/* include/uapi/asm-generic/unistd.h */
#define TAPWIRE_NR_READ 63
#define TAPWIRE_NR_WRITE 64
#define TAPWIRE_NR_READV 65
#define TAPWIRE_NR_WRITEV 66
#define TAPWIRE_NR_SENDFILE 71
#define TAPWIRE_NR_SPLICE 76
#define TAPWIRE_NR_SENDTO 206
#define TAPWIRE_NR_RECVFROM 207
#define TAPWIRE_NR_SENDMSG 211
#define TAPWIRE_NR_RECVMSG 212
#define TAPWIRE_NR_RECVMMSG 243
#define TAPWIRE_NR_SENDMMSG 269

#define TAPWIRE_TIF_32BIT 22

#define TAPWIRE_SYSCALL_ARG0(regs) ((regs)->orig_x0)
#define TAPWIRE_SYSCALL_ARG1(regs) ((regs)->regs[1])
#define TAPWIRE_SYSCALL_ARG2(regs) ((regs)->regs[2])
#define TAPWIRE_SYSCALL_ARG3(regs) ((regs)->regs[3])
#define TAPWIRE_SYSCALL_ARG4(regs) ((regs)->regs[4])
#define TAPWIRE_SYSCALL_NR(regs) ((long)(regs)->syscallno)

static __always_inline bool tapwire_compat_syscall(struct task_struct *task)
{
	return task->thread_info.flags & (1UL << TAPWIRE_TIF_32BIT);
}
#endif

/* The payload syscall (TAPWIRE_L7_SYS_*) behind a native syscall number and its direction, or 0 for any other. */
static __always_inline __u8 tapwire_l7_syscall_of(long nr, __u8 *direction)
{
	*direction = TAPWIRE_L7_RECEIVE;
	switch (nr) {
	case TAPWIRE_NR_READ:
		return TAPWIRE_L7_SYS_READ;
	case TAPWIRE_NR_READV:
		return TAPWIRE_L7_SYS_READV;
	case TAPWIRE_NR_RECVFROM:
		return TAPWIRE_L7_SYS_RECVFROM;
	case TAPWIRE_NR_RECVMSG:
		return TAPWIRE_L7_SYS_RECVMSG;
	case TAPWIRE_NR_RECVMMSG:
		return TAPWIRE_L7_SYS_RECVMMSG;
	case TAPWIRE_NR_SPLICE:
		/* either end may be the socket: the exit decides */
		return TAPWIRE_L7_SYS_SPLICE;
	}
	*direction = TAPWIRE_L7_SEND;
	switch (nr) {
	case TAPWIRE_NR_WRITE:
		return TAPWIRE_L7_SYS_WRITE;
	case TAPWIRE_NR_WRITEV:
		return TAPWIRE_L7_SYS_WRITEV;
	case TAPWIRE_NR_SENDTO:
		return TAPWIRE_L7_SYS_SENDTO;
	case TAPWIRE_NR_SENDMSG:
		return TAPWIRE_L7_SYS_SENDMSG;
	case TAPWIRE_NR_SENDMMSG:
		return TAPWIRE_L7_SYS_SENDMMSG;
	case TAPWIRE_NR_SENDFILE:
		return TAPWIRE_L7_SYS_SENDFILE;
	}
	return 0;
}

#endif /* TAPWIRE_SYSCALLS_BPF_H */
