package io.tapwire.collector.bpf;

import com.sun.jna.Memory;

/**
 * Reads a BPF_MAP_TYPE_PERCPU_ARRAY of u64 counters, such as tapwire_ringbuf_drops (ring-buffer
 * reservations that failed, keyed by event type). Kernel programs bump their own CPU's slot without
 * atomics; a read sums the slots.
 *
 * <p>Valid while the owning {@link BpfObject} is open. Not thread-safe.
 */
public final class PerCpuCounterMap {

    /** Per-CPU values come back one per possible CPU (not online CPU), each rounded up to 8 bytes. */
    private static final int POSSIBLE_CPUS =
            LibBpfException.check("libbpf_num_possible_cpus", LibBpf.libbpf_num_possible_cpus());

    private final String mapName;
    private final int fd;
    private final Memory key = new Memory(Integer.BYTES);
    private final Memory values = new Memory((long) Long.BYTES * POSSIBLE_CPUS);

    private PerCpuCounterMap(String mapName, int fd) {
        this.mapName = mapName;
        this.fd = fd;
    }

    public static PerCpuCounterMap open(BpfObject object, String mapName) {
        return new PerCpuCounterMap(object.name() + "/" + mapName, object.mapFd(mapName));
    }

    /** The counter at {@code index}, summed over all CPUs. */
    public long sum(int index) {
        key.setInt(0, index);
        LibBpfException.check("bpf_map_lookup_elem(" + mapName + ", " + index + ")",
                LibBpf.bpf_map_lookup_elem(fd, key, values));
        long total = 0;
        for (int cpu = 0; cpu < POSSIBLE_CPUS; cpu++) {
            total += values.getLong((long) cpu * Long.BYTES);
        }
        return total;
    }
}
