package io.tapwire.streams.identity;

/**
 * What the collector recorded about a process that names its service. Any field may be null: a short-lived
 * client is gone before /proc can be read, so only the kernel's facts (exec filename, comm) remain.
 *
 * @param cgroupPath   path from /proc/&lt;pid&gt;/cgroup, optionally prefixed with {@code controllers:}
 * @param exe          target of /proc/&lt;pid&gt;/exe
 * @param execFilename filename passed to execve, recorded in the kernel
 * @param comm         thread name
 */
public record ProcessFacts(String cgroupPath, String exe, String execFilename, String comm) {
}
