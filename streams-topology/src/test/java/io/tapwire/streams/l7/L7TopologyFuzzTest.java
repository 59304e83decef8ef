package io.tapwire.streams.l7;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.streams.TopologyHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated payload records through the L7 part of the topology (parsing, naming, metrics): nothing they
 * carry — garbage, valid messages with bytes flipped, offsets that jump back or far ahead, byte counts that
 * disagree with the head, any protocol hint — may throw out of the topology, and a clean exchange afterwards is still
 * parsed and counted. A seed that fails is printed by the assertion message.
 */
class L7TopologyFuzzTest {

    private static final List<String> SAMPLES = List.of(
            "GET /a/1?x=2 HTTP/1.1\r\nHost: h\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n",
            "-ERR unknown command\r\n",
            "get k1 k2\r\n",
            "VALUE k1 0 3\r\nabc\r\nEND\r\n",
            "Q\0\0\0\rSELECT 1;\0",
            "\3\0\0\0\3select 1");

    @TempDir
    Path state;

    @Test
    void randomAndMutatedPayloadRecordsNeverStopTheTopology() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        TaskContext process = task(100, 70, "api", HOST_NS);
        try (TopologyHarness harness = new TopologyHarness(state, new Properties())) {
            long at = 1_000;
            for (int i = 0; i < 1_500; i++) {
                long inode = 1 + random.nextInt(40);
                SocketTuple tuple = tuple("10.0.0.2", 40_000 + (int) inode, "10.0.0.1", 8080);
                ConnectionRole role = ConnectionRole.values()[random.nextInt(ConnectionRole.values().length)];
                Direction direction = random.nextBoolean() ? Direction.EGRESS : Direction.INGRESS;
                L7Protocol hint = L7Protocol.values()[random.nextInt(L7Protocol.values().length)];
                Transport transport = random.nextInt(8) == 0 ? Transport.UDP : Transport.TCP;
                byte[] data = payload(random);
                long offset = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(1 << 20);
                    case 2 -> Math.abs(random.nextLong()) >> random.nextInt(40);
                    default -> random.nextInt(200);
                };
                try {
                    harness.payload("node-2", inode, role, process, tuple, transport, direction, offset, data, hint, at);
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", record " + i + ": " + e, e);
                }
                at += random.nextInt(5);
            }
            harness.requests.readValuesToList();

            // a clean exchange on a fresh socket is still parsed
            SocketTuple clean = tuple("10.0.0.2", 41_999, "10.0.0.1", 8080);
            String request = "GET /after HTTP/1.1\r\nHost: h\r\n\r\n";
            String response = "HTTP/1.1 204 No Content\r\n\r\n";
            harness.payload("node-2", 999, ConnectionRole.CLIENT, process, clean, Direction.EGRESS, 0, request,
                    L7Protocol.HTTP1, at + 10);
            harness.payload("node-2", 999, ConnectionRole.CLIENT, process, clean, Direction.INGRESS, 0, response,
                    L7Protocol.HTTP1, at + 20);
            harness.quiet("node-1", at + 1_000, at + 20_000, 1_000);
            assertThat(harness.requests.readValuesToList()).as("seed " + seed)
                    .extracting(L7Request::getResource).contains("/after");
            assertThat(harness.dlq.readValuesToList()).as("seed " + seed + ": the parsers' trouble is sampled to the DLQ")
                    .anySatisfy(letter -> assertThat(letter.getStage()).endsWith("parser"));
        }
    }

    /** Garbage, a sample, a sample with bytes flipped, cut or repeated. */
    private static byte[] payload(Random random) {
        byte[] sample = SAMPLES.get(random.nextInt(SAMPLES.size())).getBytes(StandardCharsets.ISO_8859_1);
        switch (random.nextInt(5)) {
            case 0 -> {
                byte[] garbage = new byte[random.nextInt(300)];
                random.nextBytes(garbage);
                return garbage;
            }
            case 1 -> {
                return sample;
            }
            case 2 -> {
                byte[] mutated = sample.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0 && mutated.length > 0; flips--) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                return mutated;
            }
            case 3 -> {
                return java.util.Arrays.copyOf(sample, random.nextInt(sample.length + 1));
            }
            default -> {
                byte[] doubled = new byte[sample.length * 2];
                System.arraycopy(sample, 0, doubled, 0, sample.length);
                System.arraycopy(sample, 0, doubled, sample.length, sample.length);
                return doubled;
            }
        }
    }
}
