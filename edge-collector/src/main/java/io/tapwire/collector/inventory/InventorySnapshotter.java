package io.tapwire.collector.inventory;

import io.tapwire.collector.proc.CgroupIds;
import io.tapwire.collector.proc.NetNamespaces;
import io.tapwire.collector.proc.ProcFs;
import io.tapwire.collector.proc.ProcessFactsCache;
import io.tapwire.schemas.raw.NodeInventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Takes the node's inventory: a full snapshot of its processes, network namespaces with their addresses, TCP
 * listeners and connections (sockets named by inode), from /proc, as {@link NodeInventory} records for
 * {@code tapwire.raw.inventory.v1}. Written at collector start and periodically (see {@link PeriodicInventory}),
 * it lets a topology started mid-stream, or a replay from any time, know what was running, and leaves no blind
 * spot after a collector restart.
 *
 * <p>A snapshot is split into parts that each encode to at most a byte budget (see {@link InventoryPartitioner});
 * all parts share {@code snapshotId} (part 0's sequence number) and carry {@code part} and {@code parts}. The
 * caller supplies each part's header through {@link InventoryPartHeaders}, so sequence numbers and clocks stay
 * the caller's business. Tapwire's own processes, and their descendants, are left out.
 *
 * <p>Not thread-safe: one snapshot at a time (the facts caches it fills are thread-safe and may be shared with the
 * event path).
 */
public final class InventorySnapshotter {

    /** Default part budget: half of Kafka's default message limit of 1 MiB, leaving room for framing. */
    public static final int DEFAULT_PART_BUDGET_BYTES = 512 * 1024;
    /** Smallest budget accepted: a part's fixed fields take a few hundred bytes. */
    public static final int MIN_PART_BUDGET_BYTES = 4 * 1024;
    /** USER_HZ on Linux x86 (and every architecture Tapwire targets): the unit of start times. */
    public static final int DEFAULT_USER_HZ = 100;

    private final ProcFs procFs;
    private final ProcessFactsCache processFacts;
    private final InventoryScanner scanner;
    private final InventoryPartitioner partitioner;
    private final Path machineIdFile;
    private final String collectorVersion;
    private final int userHz;

    private InventorySnapshotter(Builder builder) {
        this.procFs = builder.procFs;
        this.processFacts = builder.processFacts != null ? builder.processFacts : new ProcessFactsCache(procFs);
        CgroupIds cgroupIds = builder.cgroupIds != null ? builder.cgroupIds : CgroupIds.locate(procFs);
        NetNamespaces netNamespaces = builder.netNamespaces != null ? builder.netNamespaces
                : new NetNamespaces(procFs);
        this.scanner = new InventoryScanner(procFs, processFacts, cgroupIds, netNamespaces, builder.excludedPids,
                builder.excludedPidsAlone);
        this.partitioner = new InventoryPartitioner(builder.partBudgetBytes);
        this.machineIdFile = builder.machineIdFile;
        this.collectorVersion = builder.collectorVersion;
        this.userHz = builder.userHz;
    }

    /** A builder; {@code collectorVersion} is the version written into every record. */
    public static Builder builder(String collectorVersion) {
        return new Builder(collectorVersion);
    }

    /**
     * Reads the node now and returns the parts of one snapshot, in order.
     *
     * @param clockOffsetNs CLOCK_REALTIME minus CLOCK_MONOTONIC as the caller last measured it
     * @param headers       supplies each part's header, called once per part in order
     */
    public List<NodeInventory> snapshot(long clockOffsetNs, InventoryPartHeaders headers) {
        InventoryContents contents = scanner.scan();
        List<NodeInventory> parts = partitioner.split(contents, describeNode(), clockOffsetNs, headers);
        processFacts.evictExited();
        return parts;
    }

    /** Reads the items of a snapshot without splitting it: for callers and tests that want the contents. */
    public InventoryContents scan() {
        return scanner.scan();
    }

    NodeDescription describeNode() {
        return new NodeDescription(procFs.hostname().orElse(""), machineId(), procFs.kernelRelease().orElse(""),
                collectorVersion, userHz);
    }

    private String machineId() {
        try {
            String id = Files.readString(machineIdFile).strip();
            return id.isEmpty() ? null : id;
        } catch (IOException e) {
            return null;
        }
    }

    /** Configuration of an {@link InventorySnapshotter}; every setting but the version has a default. */
    public static final class Builder {
        private final String collectorVersion;
        private ProcFs procFs = ProcFs.system();
        private ProcessFactsCache processFacts;
        private CgroupIds cgroupIds;
        private NetNamespaces netNamespaces;
        private Path machineIdFile = Path.of("/etc/machine-id");
        private int userHz = DEFAULT_USER_HZ;
        private int partBudgetBytes = DEFAULT_PART_BUDGET_BYTES;
        private IntPredicate excludedPids = pid -> false;
        private Set<Integer> excludedPidsAlone = Set.of();

        private Builder(String collectorVersion) {
            this.collectorVersion = Objects.requireNonNull(collectorVersion, "collectorVersion");
        }

        /** The procfs to read; default {@code /proc}. Set it before the caches, which default to reading it. */
        public Builder procFs(ProcFs procFs) {
            this.procFs = Objects.requireNonNull(procFs, "procFs");
            return this;
        }

        /** A process facts cache to fill and share with the event path; default a new one on the procfs. */
        public Builder processFacts(ProcessFactsCache processFacts) {
            this.processFacts = Objects.requireNonNull(processFacts, "processFacts");
            return this;
        }

        /** The cgroup id translator to use; default one located through the procfs's self/mountinfo. */
        public Builder cgroupIds(CgroupIds cgroupIds) {
            this.cgroupIds = Objects.requireNonNull(cgroupIds, "cgroupIds");
            return this;
        }

        /** The namespace reader to use (and whose cache to refresh); default a new one on the procfs. */
        public Builder netNamespaces(NetNamespaces netNamespaces) {
            this.netNamespaces = Objects.requireNonNull(netNamespaces, "netNamespaces");
            return this;
        }

        /** Where the machine id is; default {@code /etc/machine-id} (mount the host's in a container). */
        public Builder machineIdFile(Path machineIdFile) {
            this.machineIdFile = Objects.requireNonNull(machineIdFile, "machineIdFile");
            return this;
        }

        /** Clock ticks per second of start times; default 100. */
        public Builder userHz(int userHz) {
            if (userHz <= 0) {
                throw new IllegalArgumentException("userHz must be positive, got " + userHz);
            }
            this.userHz = userHz;
            return this;
        }

        /** Most bytes of one encoded part; default 512 KiB, at least {@value #MIN_PART_BUDGET_BYTES}. */
        public Builder partBudgetBytes(int partBudgetBytes) {
            if (partBudgetBytes < MIN_PART_BUDGET_BYTES) {
                throw new IllegalArgumentException("inventory part budget must be at least " + MIN_PART_BUDGET_BYTES
                        + " bytes, got " + partBudgetBytes);
            }
            this.partBudgetBytes = partBudgetBytes;
            return this;
        }

        /** Tapwire's own processes, left out with their descendants; default none. */
        public Builder excludedPids(IntPredicate excludedPids) {
            this.excludedPids = Objects.requireNonNull(excludedPids, "excludedPids");
            return this;
        }

        /** Tapwire's own processes as a set of pids, left out with their descendants. */
        public Builder excludedPids(Set<Integer> excludedPids) {
            Set<Integer> pids = Set.copyOf(excludedPids);
            return excludedPids(pids::contains);
        }

        /** Processes left out without their descendants (a launcher whose children are observed); default none. */
        public Builder excludedPidsAlone(Set<Integer> pids) {
            this.excludedPidsAlone = Set.copyOf(pids);
            return this;
        }

        /** The snapshotter; caches not set are new ones reading the configured procfs. */
        public InventorySnapshotter build() {
            return new InventorySnapshotter(this);
        }
    }
}
