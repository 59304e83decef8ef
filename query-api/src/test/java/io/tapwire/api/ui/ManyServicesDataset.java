package io.tapwire.api.ui;

import java.util.Arrays;
import java.util.List;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * {@value #SERVICES} services in a call tree, as the topology would describe five minutes of them: service i (from
 * 1 on) is called by service i / 10 over HTTP, so traffic is heaviest near the root; the last {@value #EXTERNAL} are
 * external (no process). One process, one edge and one final L7 window per call.
 */
final class ManyServicesDataset {

    static final int SERVICES = 1000;
    static final int EXTERNAL = 20;
    static final int EDGES = SERVICES - 1;

    private static final List<Double> BOUNDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    private ManyServicesDataset() {
    }

    static String service(int i) {
        return i >= SERVICES - EXTERNAL ? String.format("ext-%04d.partner.example:443", i)
                : String.format("/k8s/tenant-%02d/svc-%04d", i % 37, i);
    }

    /** Requests on the edge into service i: its subtree's share, so parents are busier than their children. */
    static long requests(int i) {
        return 10 + 100_000L / (i + 1);
    }

    static void write(UiRecordWriter writer, long now) {
        long window = (now - 5 * 60_000) / 10_000 * 10_000;
        for (int i = 0; i < SERVICES - EXTERNAL; i++) {
            String service = service(i);
            ProcessInfo info = ProcessInfo.newBuilder().setCluster("prod").setNode("node-" + (i % 25))
                    .setBootId("boot-1").setPid(10_000 + i).setStartTimeTicks(5000 + i).setComm("app")
                    .setExe("/app/bin/app").setService(service).setServiceKind(ServiceKind.KUBERNETES)
                    .setStartedAtEpochNs((now - 3_600_000L) * 1_000_000L).setUpdatedAtEpochNs(now * 1_000_000L).build();
            writer.send(TapwireTopic.PROCESSES, new ProcessKey("prod", info.getNode(), "boot-1", info.getPid(),
                    info.getStartTimeTicks()).format(), info, now - 3_600_000L);
        }
        for (int i = 1; i < SERVICES; i++) {
            String client = service(i / 10);
            String server = service(i);
            String destination = "10.1." + (i / 250) + "." + (i % 250) + ":8080";
            long requests = requests(i);
            long errors = i % 7 == 0 ? requests / 10 : 0;
            Long[] counts = new Long[BOUNDS.size() + 1];
            Arrays.fill(counts, 0L);
            counts[1 + i % 6] = requests;
            L7Metric metric = L7Metric.newBuilder().setSide("client").setCountingSide(true).setClientService(client)
                    .setServerService(server).setDestination(destination).setProtocol("http").setStatus("200")
                    .setWindowStartEpochMs(window).setWindowEndEpochMs(window + 10_000).setRequests(requests)
                    .setErrors(errors).setLatencySumSeconds(requests * BOUNDS.get(i % 6))
                    .setLatencyBucketBoundsSeconds(BOUNDS).setLatencyBucketCounts(List.of(counts)).setFinal$(true)
                    .build();
            writer.send(TapwireTopic.L7_METRICS, new L7MetricKey("client", client, server, destination, "http", "200",
                    window).format(), metric, window + 10_000);
            ServiceEdge edge = ServiceEdge.newBuilder().setClientService(client).setServerService(server)
                    .setProtocols(List.of("http", "tcp")).setFirstSeenEpochMs(window)
                    .setLastSeenEpochMs(window + 10_000).setRequests(requests).setErrors(errors).setConnects(1)
                    .build();
            writer.send(TapwireTopic.SERVICE_EDGES, new ServiceEdgeKey(client, server).format(), edge,
                    window + 10_000);
        }
    }

    /** The fixture that holds this dataset. */
    public static class Fixture extends DatasetFixture {
        @Override
        protected void write(UiRecordWriter writer, long now) {
            ManyServicesDataset.write(writer, now);
        }
    }
}
