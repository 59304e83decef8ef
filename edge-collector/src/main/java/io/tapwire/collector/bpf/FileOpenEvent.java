package io.tapwire.collector.bpf;

/**
 * A file opened for writing: openat() with O_WRONLY or O_RDWR that succeeded.
 *
 * @param ktimeNs           CLOCK_MONOTONIC at the syscall's exit, nanoseconds
 * @param task              the thread that opened the file
 * @param processStartTicks start time of its process in USER_HZ ticks since boot (the group leader's, field 22
 *                          of /proc/&lt;pid&gt;/stat): with the pid it names the process across pid reuse
 * @param fd                the descriptor openat returned
 * @param openFlags         the flags as passed (O_WRONLY 01, O_RDWR 02, O_CREAT 0100, O_TRUNC 01000, O_APPEND 02000, ...)
 * @param mode              the mode as passed (meaningful with O_CREAT)
 * @param path              the path as passed: relative to the dirfd or working directory, not resolved
 * @param pathTruncated     whether the path was longer than the 255 bytes the kernel copies
 */
public record FileOpenEvent(long ktimeNs, KernelTask task, long processStartTicks, int fd, int openFlags, int mode,
        String path, boolean pathTruncated) implements KernelEvent {

    @Override
    public EventType type() {
        return EventType.FILE_OPEN_WRITE;
    }
}
