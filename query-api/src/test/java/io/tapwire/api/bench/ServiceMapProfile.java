package io.tapwire.api.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tapwire.api.graph.EdgeStore;
import io.tapwire.api.graph.ServiceDirectory;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.services.ServiceGraphQuery;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;

/**
 * The service map's query alone, without Quarkus, HTTP or JSON, on the benchmark's cluster: for profiling (run it
 * under JFR), then the JSON of its answer (with {@code -Dfast-double=true}, Jackson's fast double writer, as the API
 * writes it). Arguments: services, edges, requests.
 */
public final class ServiceMapProfile {

    private ServiceMapProfile() {
    }

    private static void report(String what, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf("%s: p50 %.1f ms, p99 %.1f ms%n", what, nanos[nanos.length / 2] / 1e6,
                nanos[(int) (nanos.length * 0.99)] / 1e6);
    }

    public static void main(String[] args) {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int edges = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        L7Windows l7 = new L7Windows(Duration.ofHours(1), Duration.ofHours(24));
        WindowStore<TcpSeries, TcpWindow> tcp = new WindowStore<>(Duration.ofHours(1), Duration.ofHours(24));
        EdgeStore edgeStore = new EdgeStore();
        ServiceDirectory directory = new ServiceDirectory(Duration.ofHours(24));
        new SyntheticCluster(services, edges).load(l7, tcp, edgeStore, directory, System.currentTimeMillis(),
                QueryApiBenchmark.WINDOWS);
        ServiceGraphQuery query = new ServiceGraphQuery(l7, tcp, edgeStore, directory);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[requests];
        long[] cpu = new long[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            query.serviceMap(TimeRange.parse(null, null, Instant.now()));
            cpu[i] = threads.getCurrentThreadCpuTime() - startCpu;
            nanos[i] = System.nanoTime() - start;
        }
        report("serviceMap", nanos);
        report("serviceMap CPU time", cpu);
        ObjectMapper json = new ObjectMapper();
        if (Boolean.getBoolean("fast-double")) {
            json.configure(JsonGenerator.Feature.USE_FAST_DOUBLE_WRITER, true);
        }
        Object view = query.serviceMap(TimeRange.parse(null, null, Instant.now()));
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            try {
                json.writeValueAsBytes(view);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            nanos[i] = System.nanoTime() - start;
        }
        report("JSON of the answer", nanos);
    }
}
