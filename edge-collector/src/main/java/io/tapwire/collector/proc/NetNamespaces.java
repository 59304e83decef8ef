package io.tapwire.collector.proc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The network namespaces of the node and their addresses. A namespace is found through the processes in it
 * ({@code /proc/*}{@code /ns/net}) and read through one of them (see {@link NamespaceAddressReader}); a namespace
 * no process is in (one kept only by a bind mount under /var/run/netns) holds no sockets of interest and is not
 * seen. Addresses change rarely, so the last answer per namespace is cached until the next {@link #readAll}.
 *
 * <p>Thread-safe.
 */
public final class NetNamespaces {

    private final ProcFs procFs;
    private final NamespaceAddressReader reader;
    private final Map<Long, NamespaceAddresses> cache = new HashMap<>();

    /** A reader of the namespaces visible in {@code procFs}, with an empty cache. */
    public NetNamespaces(ProcFs procFs) {
        this.procFs = procFs;
        this.reader = new NamespaceAddressReader(procFs);
    }

    /**
     * Which processes are in which network namespace now: namespace inode → pids, ascending. Processes whose
     * namespace link cannot be read (vanished, or ptrace rules deny it) are left out.
     */
    public Map<Long, List<Integer>> members() {
        Map<Long, List<Integer>> members = new TreeMap<>();
        for (int pid : procFs.pids()) {
            OptionalLong inode = procFs.netNamespaceInode(pid);
            if (inode.isPresent()) {
                members.computeIfAbsent(inode.getAsLong(), key -> new ArrayList<>()).add(pid);
            }
        }
        return members;
    }

    /** Reads every namespace now (replacing the cache), ordered by inode. */
    public List<NamespaceAddresses> readAll() {
        return readAll(members());
    }

    /** Reads the namespaces of {@code members} (as {@link #members()} gives them), replacing the cache. */
    public List<NamespaceAddresses> readAll(Map<Long, List<Integer>> members) {
        List<NamespaceAddresses> namespaces = new ArrayList<>();
        Map<Long, NamespaceAddresses> fresh = new HashMap<>();
        for (Map.Entry<Long, List<Integer>> namespace : new TreeMap<>(members).entrySet()) {
            read(namespace.getKey(), namespace.getValue()).ifPresent(addresses -> {
                namespaces.add(addresses);
                fresh.put(addresses.inode(), addresses);
            });
        }
        synchronized (cache) {
            cache.clear();
            cache.putAll(fresh);
        }
        return namespaces;
    }

    /**
     * The addresses of one namespace: cached, else read through the first of its processes found now. Empty
     * when no process is in it any more.
     */
    public Optional<NamespaceAddresses> lookup(long inode) {
        synchronized (cache) {
            NamespaceAddresses cached = cache.get(inode);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Optional<NamespaceAddresses> read = read(inode, members().getOrDefault(inode, List.of()));
        read.ifPresent(addresses -> {
            synchronized (cache) {
                cache.put(inode, addresses);
            }
        });
        return read;
    }

    /** Reads a namespace's addresses through one of {@code pids} (see {@link #readInside}). */
    Optional<NamespaceAddresses> read(long inode, List<Integer> pids) {
        return readInside(inode, pids, pid -> reader.read(pid))
                .map(interfaces -> new NamespaceAddresses(inode, interfaces));
    }

    /**
     * Reads something of a namespace (its /proc/&lt;pid&gt;/net files) through the first of {@code pids} that is
     * in it before and after the read: a process can exit, or move to another namespace (setns, unshare), while
     * its files are read.
     *
     * @param read reads through one pid; empty when that process vanished
     * @return the first answer read through a process that stayed in the namespace; empty when none did
     */
    public <T> Optional<T> readInside(long inode, List<Integer> pids, IntFunction<Optional<T>> read) {
        for (int pid : pids) {
            if (!inNamespace(pid, inode)) {
                continue;
            }
            Optional<T> answer = read.apply(pid);
            if (answer.isPresent() && inNamespace(pid, inode)) {
                return answer;
            }
        }
        return Optional.empty();
    }

    private boolean inNamespace(int pid, long inode) {
        OptionalLong current = procFs.netNamespaceInode(pid);
        return current.isPresent() && current.getAsLong() == inode;
    }
}
