package io.tapwire.collector.inventory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Which processes a snapshot leaves out: Tapwire's own (the collector, broker, registry, topology, API), named by
 * a predicate on pids, and their descendants, as DESIGN.md asks ("by their pids (and their children)"): a process
 * Tapwire started is Tapwire's too.
 */
final class PidExclusion {

    private PidExclusion() {
    }

    /**
     * The excluded pids among {@code parents}' keys.
     *
     * @param parents  pid → ppid of every process in the snapshot
     * @param excluded whether a pid is one of Tapwire's own
     */
    static Set<Integer> excluded(Map<Integer, Integer> parents, IntPredicate excluded) {
        Map<Integer, Boolean> decided = new HashMap<>();
        Set<Integer> result = new HashSet<>();
        for (int pid : parents.keySet()) {
            if (decide(pid, parents, excluded, decided)) {
                result.add(pid);
            }
        }
        return result;
    }

    /** Walks up the ancestry until an answer is known; the walk is bounded against a (racy) cycle in ppids. */
    private static boolean decide(int pid, Map<Integer, Integer> parents, IntPredicate excluded,
            Map<Integer, Boolean> decided) {
        Set<Integer> chain = new HashSet<>();
        int current = pid;
        boolean answer = false;
        while (true) {
            Boolean known = decided.get(current);
            if (known != null) {
                answer = known;
                break;
            }
            if (excluded.test(current)) {
                answer = true;
                chain.add(current);
                break;
            }
            Integer parent = parents.get(current);
            if (parent == null || parent <= 0 || !chain.add(current)) {
                break;
            }
            current = parent;
        }
        for (int member : chain) {
            decided.put(member, answer);
        }
        decided.put(pid, answer);
        return answer;
    }
}
