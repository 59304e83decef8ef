package io.tapwire.collector.bpf;

import com.sun.jna.Memory;

/**
 * The kernel's exclusion sets, shared by every Tapwire BPF object: processes (by pid) and local TCP
 * ports that are never observed, so Tapwire does not watch itself. Checked in the kernel before an
 * event is reserved.
 *
 * <p>A child forked by an excluded process is excluded by the kernel before it runs, and stays
 * excluded after it execs; a pid leaves the set when its task is freed, so a reused pid is visible
 * again. A port is compared with a socket's local port, so it hides a server's listening and
 * accepted sockets, not the connections other processes make to it.
 *
 * <p>Valid while the owning {@link KernelProbes} (or {@link BpfObject}) is open. Thread-safe.
 */
public final class ExclusionMaps {

    private static final int ENOENT = 2;
    private static final int E2BIG = 7;
    private static final long BPF_ANY = 0;
    /** TAPWIRE_EXCLUDED_CONFIGURED; the kernel writes TAPWIRE_EXCLUDED_INHERITED (2) for children. */
    private static final int EXCLUDED_CONFIGURED = 1;
    /** TAPWIRE_EXCLUDED_ALONE: the process, not the children it forks. */
    private static final int EXCLUDED_ALONE = 3;

    private final String owner;
    private final int pidsFd;
    private final int portsFd;
    private final int versionFd;
    private final Memory pidKey = new Memory(Integer.BYTES);
    private final Memory pidValue = new Memory(Integer.BYTES);
    private final Memory portKey = new Memory(Short.BYTES);
    private final Memory portValue = new Memory(Byte.BYTES);
    private final Memory versionKey = new Memory(Integer.BYTES);
    private final Memory version = new Memory(Long.BYTES);

    private ExclusionMaps(String owner, int pidsFd, int portsFd, int versionFd) {
        this.owner = owner;
        this.pidsFd = pidsFd;
        this.portsFd = portsFd;
        this.versionFd = versionFd;
        versionKey.setInt(0, 0);
    }

    /** The exclusion maps of a loaded object that defines them (any Tapwire object does). */
    public static ExclusionMaps of(BpfObject object) {
        return new ExclusionMaps(object.name(), object.mapFd(ProcessBpfObject.EXCLUDED_PIDS_MAP),
                object.mapFd(ProcessBpfObject.EXCLUDED_PORTS_MAP), object.mapFd(ProcessBpfObject.EXCLUSIONS_VERSION_MAP));
    }

    /** Hides this process and every child it forks from now on. */
    public synchronized void excludeProcess(int pid) {
        exclude(pid, EXCLUDED_CONFIGURED);
    }

    /** Hides this process only: the children it forks are observed (a launcher of the workload). */
    public synchronized void excludeProcessAlone(int pid) {
        exclude(pid, EXCLUDED_ALONE);
    }

    private void exclude(int pid, int how) {
        requirePid(pid);
        pidKey.setInt(0, pid);
        pidValue.setInt(0, how);
        update(ProcessBpfObject.EXCLUDED_PIDS_MAP, pidsFd, pidKey, pidValue, "pid " + pid);
    }

    /** Makes a process visible again (its already excluded children stay excluded). @return whether it was excluded */
    public synchronized boolean includeProcess(int pid) {
        requirePid(pid);
        pidKey.setInt(0, pid);
        return delete(ProcessBpfObject.EXCLUDED_PIDS_MAP, pidsFd, pidKey, "pid " + pid);
    }

    /** Whether the kernel currently excludes this pid, configured or inherited. */
    public synchronized boolean isProcessExcluded(int pid) {
        requirePid(pid);
        pidKey.setInt(0, pid);
        return lookup(ProcessBpfObject.EXCLUDED_PIDS_MAP, pidsFd, pidKey, pidValue, "pid " + pid);
    }

    /** Hides every TCP socket whose local port this is (listening, accepted, or bound client sockets). */
    public synchronized void excludeLocalPort(int port) {
        requirePort(port);
        portKey.setShort(0, (short) port);
        portValue.setByte(0, (byte) 1);
        update(ProcessBpfObject.EXCLUDED_PORTS_MAP, portsFd, portKey, portValue, "port " + port);
    }

    /** @return whether the port was excluded */
    public synchronized boolean includeLocalPort(int port) {
        requirePort(port);
        portKey.setShort(0, (short) port);
        return delete(ProcessBpfObject.EXCLUDED_PORTS_MAP, portsFd, portKey, "port " + port);
    }

    public synchronized boolean isLocalPortExcluded(int port) {
        requirePort(port);
        portKey.setShort(0, (short) port);
        return lookup(ProcessBpfObject.EXCLUDED_PORTS_MAP, portsFd, portKey, portValue, "port " + port);
    }

    private void update(String map, int fd, Memory key, Memory value, String what) {
        int result = LibBpf.bpf_map_update_elem(fd, key, value, BPF_ANY);
        if (result == -E2BIG) {
            throw new LibBpfException("bpf_map_update_elem(" + owner + "/" + map + ", " + what
                    + "): the map is full; raise its max_entries in tapwire_common.bpf.h", E2BIG);
        }
        LibBpfException.check("bpf_map_update_elem(" + owner + "/" + map + ", " + what + ")", result);
        bumpVersion();
    }

    /**
     * Tells the kernel's programs that a verdict drawn from the maps before now may be stale (the L7 hooks keep one
     * per process and fd). After the change itself, so that a verdict drawn under the new version sees the change.
     */
    private void bumpVersion() {
        String what = "bpf_map_update_elem(" + owner + "/" + ProcessBpfObject.EXCLUSIONS_VERSION_MAP + ")";
        LibBpfException.check(what, LibBpf.bpf_map_lookup_elem(versionFd, versionKey, version));
        version.setLong(0, version.getLong(0) + 1);
        LibBpfException.check(what, LibBpf.bpf_map_update_elem(versionFd, versionKey, version, BPF_ANY));
    }

    private boolean delete(String map, int fd, Memory key, String what) {
        int result = LibBpf.bpf_map_delete_elem(fd, key);
        if (result == -ENOENT) {
            return false;
        }
        LibBpfException.check("bpf_map_delete_elem(" + owner + "/" + map + ", " + what + ")", result);
        bumpVersion();
        return true;
    }

    private boolean lookup(String map, int fd, Memory key, Memory value, String what) {
        int result = LibBpf.bpf_map_lookup_elem(fd, key, value);
        if (result == -ENOENT) {
            return false;
        }
        LibBpfException.check("bpf_map_lookup_elem(" + owner + "/" + map + ", " + what + ")", result);
        return true;
    }

    private static void requirePid(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
    }

    private static void requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
    }
}
