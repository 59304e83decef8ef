package io.tapwire.collector.bpf;

/**
 * The task an event is about, or that did the syscall, as the kernel saw it at the event. For TCP
 * events that fire in softirq context it is the socket's owner, recorded when the socket was last
 * seen in process context.
 *
 * @param pid        process id (the kernel's tgid) in the initial pid namespace
 * @param tid        thread id in the initial pid namespace
 * @param comm       the thread's name (at most 16 bytes; exactly 16 has no terminator in the kernel)
 * @param cgroupId   cgroup v2 id: the inode of the task's cgroup2 directory (1 = root cgroup)
 * @param netnsInode inode of the task's network namespace, as /proc/&lt;pid&gt;/ns/net shows it
 */
public record KernelTask(int pid, int tid, String comm, long cgroupId, long netnsInode) {

    /** What TCP events carry when the socket's owner was never seen in process context. */
    public static final KernelTask UNKNOWN = new KernelTask(0, 0, "", 0, 0);
}
