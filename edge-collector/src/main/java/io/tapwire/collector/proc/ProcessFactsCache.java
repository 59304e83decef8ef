package io.tapwire.collector.proc;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Facts about running processes, read from /proc once per process and kept in a bounded LRU cache.
 *
 * <p>Pid-reuse safe: an entry belongs to one (pid, start time) pair. A lookup first reads the current start time
 * (one small read of {@code /proc/<pid>/stat}); an entry for the same pid with another start time belongs to a
 * previous process and is replaced. The facts are read, then the start time is read again: if it changed, the pid
 * was reused during the read and the mixed facts are discarded.
 *
 * <p>Read-once: exe, cmdline and cgroup are not re-read while the process lives. Exec changes exe and cmdline
 * without changing the start time, so whoever sees an exec calls {@link #invalidate(int)}.
 *
 * <p>Thread-safe. /proc is read outside the lock.
 */
public final class ProcessFactsCache {

    /** Default bound: the kernel's default pid_max on 64-bit is 4 million, but live processes are far fewer. */
    public static final int DEFAULT_MAX_ENTRIES = 65_536;
    /** Default cap on the bytes of cmdline kept: a record must stay far below Kafka's message size. */
    public static final int DEFAULT_MAX_CMDLINE_BYTES = 32 * 1024;

    private final ProcFs procFs;
    private final int maxCmdlineBytes;
    private final Map<Integer, ProcessFacts> entries;

    /** A cache with the default bounds. */
    public ProcessFactsCache(ProcFs procFs) {
        this(procFs, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_CMDLINE_BYTES);
    }

    /**
     * @param maxEntries      most processes kept; the least recently looked up is dropped first
     * @param maxCmdlineBytes most bytes of a cmdline kept (see {@link ProcFs#cmdline})
     */
    public ProcessFactsCache(ProcFs procFs, int maxEntries, int maxCmdlineBytes) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("process facts cache size must be at least 1, got " + maxEntries);
        }
        if (maxCmdlineBytes < 0) {
            throw new IllegalArgumentException("cmdline byte cap must not be negative, got " + maxCmdlineBytes);
        }
        this.procFs = procFs;
        this.maxCmdlineBytes = maxCmdlineBytes;
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, ProcessFacts> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** Facts about the process that has {@code pid} now; empty when no such process exists. */
    public Optional<ProcessFacts> lookup(int pid) {
        return procFs.stat(pid).flatMap(stat -> lookup(pid, stat.startTimeTicks()));
    }

    /** What was last read about the process with {@code pid}, without reading /proc (it may be gone by now). */
    public Optional<ProcessFacts> cached(int pid) {
        synchronized (entries) {
            return Optional.ofNullable(entries.get(pid));
        }
    }

    /**
     * Facts about the process (pid, startTimeTicks), for example one the kernel reported. Empty when that process
     * is gone (exited, or its pid now belongs to another process): its facts can no longer be read.
     */
    public Optional<ProcessFacts> lookup(int pid, long startTimeTicks) {
        synchronized (entries) {
            ProcessFacts cached = entries.get(pid);
            if (cached != null && cached.startTimeTicks() == startTimeTicks) {
                return Optional.of(cached);
            }
        }
        Optional<ProcessFacts> read = read(pid, startTimeTicks);
        synchronized (entries) {
            read.ifPresentOrElse(facts -> entries.put(pid, facts), () -> entries.remove(pid));
        }
        return read;
    }

    /**
     * Reads the process that has {@code pid} now afresh, replacing what was cached: for a full snapshot, which
     * must say what is true now and, in passing, fills the cache for the events that follow.
     */
    public Optional<ProcessFacts> refresh(int pid) {
        Optional<ProcessFacts> read = procFs.stat(pid).flatMap(stat -> read(pid, stat.startTimeTicks()));
        synchronized (entries) {
            read.ifPresentOrElse(facts -> entries.put(pid, facts), () -> entries.remove(pid));
        }
        return read;
    }

    /** Forgets what was read about {@code pid}: it exec'd (new exe and cmdline) or moved to another cgroup. */
    public void invalidate(int pid) {
        synchronized (entries) {
            entries.remove(pid);
        }
    }

    /** Drops the entries of processes no longer listed in /proc. One directory listing; no per-process reads. */
    public void evictExited() {
        Set<Integer> live = new HashSet<>(procFs.pids());
        synchronized (entries) {
            for (Iterator<Integer> pids = entries.keySet().iterator(); pids.hasNext(); ) {
                if (!live.contains(pids.next())) {
                    pids.remove();
                }
            }
        }
    }

    /** Number of processes cached. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private Optional<ProcessFacts> read(int pid, long startTimeTicks) {
        Optional<ProcStat> before = procFs.stat(pid);
        if (before.isEmpty() || before.get().startTimeTicks() != startTimeTicks) {
            return Optional.empty();
        }
        ProcessFacts facts = new ProcessFacts(pid, startTimeTicks, before.get().ppid(), before.get().comm(),
                procFs.uid(pid), procFs.exe(pid), procFs.cmdline(pid, maxCmdlineBytes), procFs.cgroup(pid),
                procFs.netNamespaceInode(pid));
        Optional<ProcStat> after = procFs.stat(pid);
        if (after.isEmpty() || after.get().startTimeTicks() != startTimeTicks) {
            return Optional.empty();
        }
        return Optional.of(facts);
    }
}
