package io.tapwire.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * Raw L7 events per second through the whole topology (framing, pairing, naming, and whatever else
 * {@link io.tapwire.streams.app.TapwireTopology#build} holds) on one stream thread, side by side in one run with the
 * pass-through of the same raw topics on the same embedded broker ({@link TopologyBench}). Target (issue "Stream
 * processing II"): ≥ 100k raw L7 events/s per thread and ≥ 40% of pass-through. Usage: L7ThroughputBenchmark
 * [EVENTS] (raw L7 events, rounded down to whole requests of four); -Dtapwire.streams.* settings apply to both.
 *
 * <p>The workload ({@link KeepAliveHttpWorkload}) is one node's keep-alive HTTP traffic to nginx, with the TCP
 * events of its connections and a heartbeat on every raw partition each second of event time, then 60 s of
 * heartbeats so every window closes. Both topologies' rates count the raw L7 events only, over the same records.
 * Then the requests the topology wrote are counted against the two expected per request (both ends observed): a
 * topology that silently wrote nothing would make the rate meaningless, so a mismatch is printed as a WARNING.
 */
public final class L7ThroughputBenchmark {

    private static final NodeIdentity NODE = new NodeIdentity("bench", "node-1", "boot-1");
    private static final double TARGET_EVENTS_PER_S = 100_000;
    private static final double TARGET_RATIO = 0.40;

    private L7ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = (args.length > 0 ? Integer.parseInt(args[0]) : 200_000) / 4;
        try (TopologyBench bench = TopologyBench.start()) {
            KeepAliveHttpWorkload workload = new KeepAliveHttpWorkload(NODE,
                    System.currentTimeMillis() - Duration.ofMinutes(30).toMillis());
            int written;
            try (RawEventWriter writer = bench.writer(NODE)) {
                produce(writer, workload, requests);
                written = writer.written();
            }
            int events = workload.l7Events();
            System.out.printf("produced %d raw L7 events (%d HTTP requests on %d connections, %d per connection "
                    + "on average), %d TCP events; %d records with the snapshot and the heartbeats; raw topics read: "
                    + "%s%n", events, workload.requests(), workload.connections(),
                    workload.requests() / workload.connections(), workload.tcpEvents(), written,
                    bench.rawInputs().stream().map(TapwireTopic::topicName).toList());

            TopologyBench.Run pass = bench.runPassThrough(events, "pass-through");
            TopologyBench.Run topology = bench.runTopology(events, "topology");
            boolean complete = reportRequests(bench, workload);

            double ratio = topology.eventsPerSecond() / pass.eventsPerSecond();
            System.out.printf("target (≥ %.0fk raw L7 events/s per thread, ≥ %.0f%% of pass-through): %s%n",
                    TARGET_EVENTS_PER_S / 1_000, TARGET_RATIO * 100,
                    topology.eventsPerSecond() >= TARGET_EVENTS_PER_S && ratio >= TARGET_RATIO ? "met" : "missed");
            System.out.printf("RESULT passthrough_l7_events_per_s=%.0f topology_l7_events_per_s=%.0f ratio=%.2f "
                            + "passthrough_written_per_raw=%.1f topology_written_per_raw=%.1f requests_complete=%b "
                            + "passthrough_l7_events_per_thread_cpu_s=%.0f topology_l7_events_per_thread_cpu_s=%.0f%n",
                    pass.eventsPerSecond(), topology.eventsPerSecond(), ratio, pass.recordsWrittenPerRawRecord(),
                    topology.recordsWrittenPerRawRecord(), complete, pass.eventsPerThreadCpuSecond(),
                    topology.eventsPerThreadCpuSecond());
        }
    }

    /** Writes the snapshot, {@code requests} requests with their connections, and the heartbeats among and after. */
    private static void produce(RawEventWriter writer, KeepAliveHttpWorkload workload, int requests) {
        writer.send(TapwireTopic.RAW_INVENTORY, new NodeKey(NODE.cluster(), NODE.node()).format(), workload.snapshot(),
                workload.timeMs());
        long nextHeartbeatMs = workload.timeMs();
        while (workload.requests() < requests) {
            if (workload.timeMs() >= nextHeartbeatMs) {
                heartbeats(writer, workload);
                nextHeartbeatMs += 1_000;
            }
            workload.next().forEach(raw -> writer.send(raw.topic(), raw.key(), raw.value(), raw.timestampMs()));
        }
        workload.closeAll().forEach(raw -> writer.send(raw.topic(), raw.key(), raw.value(), raw.timestampMs()));
        // Past the end of the last window plus its grace, so the topology has every window to close and every
        // held request its deadline.
        for (int i = 0; i < 60; i++) {
            workload.advance(1_000);
            heartbeats(writer, workload);
        }
    }

    private static void heartbeats(RawEventWriter writer, KeepAliveHttpWorkload workload) {
        writer.heartbeats(() -> workload.header(true), KeepAliveHttpWorkload.collector(), workload.timeMs());
    }

    /** Prints the requests written against those expected; returns whether they all came out. */
    private static boolean reportRequests(TopologyBench bench, KeepAliveHttpWorkload workload) {
        L7RequestTally tally = L7RequestTally.read(bench.bootstrapServers(), bench.registryUrl());
        long expected = 2L * workload.requests();
        Map<String, Long> expectedStatuses = new TreeMap<>();
        workload.statuses().forEach((status, count) -> expectedStatuses.put(Integer.toString(status), 2L * count));
        System.out.printf("l7 requests: %d written, %d expected (2 per request: both sides observed); by side %s; "
                        + "counting side %d of %d requests%n", tally.total(), expected, tally.bySide(),
                tally.counting(), workload.requests());
        System.out.printf("  by status %s (expected %s)%n", tally.byStatus(), expectedStatuses);
        System.out.printf("  by edge %s%n", tally.byEdge());
        boolean complete = !tally.incomplete() && tally.total() == expected && tally.counting() == workload.requests()
                && tally.byStatus().equals(expectedStatuses);
        if (tally.incomplete()) {
            System.out.printf("WARNING: %s could not be read to its end; the counts above are partial%n",
                    TapwireTopic.L7_REQUESTS.topicName());
        } else if (!complete) {
            System.out.printf("WARNING: the topology wrote %d L7 requests (%d counting, statuses %s) where the workload "
                            + "has %d (2 per request, %d counting, statuses %s): the rates above do not measure the "
                            + "whole L7 path%n", tally.total(), tally.counting(), tally.byStatus(), expected,
                    workload.requests(), expectedStatuses);
        }
        return complete;
    }
}
