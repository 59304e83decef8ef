package io.tapwire.collector.inventory;

import io.tapwire.collector.proc.CgroupIds;
import io.tapwire.collector.proc.NamespaceAddresses;
import io.tapwire.collector.proc.NetNamespaces;
import io.tapwire.collector.proc.ProcFs;
import io.tapwire.collector.proc.ProcessFacts;
import io.tapwire.collector.proc.ProcessFactsCache;
import io.tapwire.collector.proc.SocketTable;
import io.tapwire.collector.proc.InetSocket;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.ProcessSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Reads the whole node from /proc into the items of one snapshot: processes, network namespaces with their
 * addresses, TCP listeners and connections. Excluded processes (and their descendants) are left out of the
 * processes and of the sockets they alone hold, but still witness their namespace's addresses and listening
 * ports, which are facts about the node.
 */
final class InventoryScanner {

    private final ProcFs procFs;
    private final ProcessFactsCache processFacts;
    private final CgroupIds cgroupIds;
    private final NetNamespaces netNamespaces;
    private final SocketTable socketTable;
    private final IntPredicate excludedPids;
    private final Set<Integer> excludedPidsAlone;

    /**
     * @param excludedPids      Tapwire's own processes, left out with their descendants
     * @param excludedPidsAlone processes left out whose descendants are not
     */
    InventoryScanner(ProcFs procFs, ProcessFactsCache processFacts, CgroupIds cgroupIds, NetNamespaces netNamespaces,
            IntPredicate excludedPids, Set<Integer> excludedPidsAlone) {
        this.procFs = procFs;
        this.processFacts = processFacts;
        this.cgroupIds = cgroupIds;
        this.netNamespaces = netNamespaces;
        this.socketTable = new SocketTable(procFs);
        this.excludedPids = excludedPids;
        this.excludedPidsAlone = Set.copyOf(excludedPidsAlone);
    }

    InventoryContents scan() {
        List<ProcessFacts> processes = new ArrayList<>();
        for (int pid : procFs.pids()) {
            // A process that exits between the listing and its read is simply not in this snapshot.
            processFacts.refresh(pid).ifPresent(processes::add);
        }
        Map<Integer, Integer> parents = new LinkedHashMap<>();
        Map<Long, List<Integer>> members = new TreeMap<>();
        for (ProcessFacts facts : processes) {
            parents.put(facts.pid(), facts.ppid());
            facts.netNamespaceInode().ifPresent(
                    inode -> members.computeIfAbsent(inode, key -> new ArrayList<>()).add(facts.pid()));
        }
        Set<Integer> excluded = PidExclusion.excluded(parents, excludedPids);
        excludedPidsAlone.stream().filter(parents::containsKey).forEach(excluded::add);

        List<NetworkNamespace> namespaces = new ArrayList<>();
        for (NamespaceAddresses addresses : netNamespaces.readAll(members)) {
            namespaces.add(InventoryItems.namespace(addresses));
        }

        Map<Long, List<InetSocket>> socketsByNamespace = new TreeMap<>();
        members.forEach((inode, pids) -> netNamespaces.readInside(inode, pids, socketTable::sockets)
                .ifPresent(sockets -> socketsByNamespace.put(inode, sockets)));
        Map<Long, SortedSet<Integer>> holders = socketTable.holders(parents.keySet());
        SocketInventory sockets = SocketInventory.of(socketsByNamespace, holders, excluded);

        List<ProcessSnapshot> snapshots = new ArrayList<>();
        for (ProcessFacts facts : processes) {
            if (!excluded.contains(facts.pid())) {
                OptionalLong cgroupId = facts.cgroup().map(cgroupIds::idOf).orElse(OptionalLong.empty());
                snapshots.add(InventoryItems.process(facts, cgroupId));
            }
        }
        return new InventoryContents(namespaces, snapshots, sockets.listeners(), sockets.connections());
    }
}
