package io.tapwire.collector.records;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.tapwire.collector.bpf.EventType;
import io.tapwire.collector.bpf.KernelEventDecoder;
import io.tapwire.collector.node.ClockOffset;
import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.collector.node.SequenceNumbers;
import io.tapwire.collector.proc.CgroupIds;
import io.tapwire.collector.proc.ProcFs;
import io.tapwire.collector.proc.ProcessFactsCache;
import io.tapwire.collector.redact.RedactionRules;
import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.raw.PayloadEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the raw L7 records, byte for byte, that the collector makes of real traffic ({@link L7Traffic}): ring-buffer
 * record → decoder → mapper (redaction included) → key and Avro value. A change meant to make this path cheaper must
 * leave every byte as it was. The pinned file was written by the code before such changes; to write it anew after a
 * change that is meant to alter the records, run this test with {@code -Dtapwire.golden.write=true} and review the
 * difference.
 */
class PayloadRecordBytesTest {

    private static final String GOLDEN = "golden/l7-payload-records.txt";

    /** The defaults, and a configuration that takes the other paths: other header names, a pattern. */
    private static final List<RedactionRules> CONFIGURATIONS = List.of(
            RedactionRules.defaults(),
            new RedactionRules(true, List.of("Authorization", "X-Api-Key", "Referer"), true, true, true,
                    List.of(Pattern.compile("\"user\":\"([^\"]*)\""), Pattern.compile("session=[0-9a-f]+"))));

    @Test
    void recordsOfRealTrafficAreTheOnesPinned() throws IOException {
        List<String> actual = render();
        if (Boolean.getBoolean("tapwire.golden.write")) {
            Path file = Path.of("src/test/resources", GOLDEN);
            Files.createDirectories(file.getParent());
            Files.write(file, actual, StandardCharsets.UTF_8);
        }

        assertThat(actual).containsExactlyElementsOf(pinned());
    }

    @Test
    void thePinnedRecordsCarryNoCredential() {
        String all = String.join("\n", render());
        for (String secret : new String[] {"s3cr3t-pw", "secret", "YXBwOnMzY3IzdC1wdw", "eyJhbGciOiJIUzI1NiJ9",
            "session=7f3a9c0d2e1b", "session=4b1f9e2c7a8d6e5f", "session=9f8e7d6c5b4a"}) {
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.US_ASCII));
            assertThat(all).as(secret).doesNotContain(hex);
        }
    }

    /** One line per record and configuration: the configuration's index, the key, the Avro value in hex. */
    private static List<String> render() {
        List<byte[]> records = new ArrayList<>(L7Traffic.mixed());
        records.addAll(L7Traffic.otherBranches());
        AvroCodec<PayloadEvent> codec = AvroCodec.of(PayloadEvent.class);
        List<String> lines = new ArrayList<>();
        for (int configuration = 0; configuration < CONFIGURATIONS.size(); configuration++) {
            KernelEventMapper mapper = mapper(CONFIGURATIONS.get(configuration));
            // As the ring-buffer poller hands records over: one reused buffer, limited to the record.
            ByteBuffer buffer = ByteBuffer.allocate(EventType.maxRecordSize()).order(ByteOrder.nativeOrder());
            for (byte[] record : records) {
                buffer.clear();
                buffer.put(record).flip();
                RawRecord raw = mapper.map(KernelEventDecoder.decode(buffer)).orElseThrow();
                lines.add(configuration + " " + raw.topic().topicName() + " " + raw.key() + " " + raw.epochNs() + " "
                        + HexFormat.of().formatHex(codec.encode((PayloadEvent) raw.value())));
            }
        }
        return lines;
    }

    private static KernelEventMapper mapper(RedactionRules rules) {
        RecordHeaders headers = new RecordHeaders(new NodeIdentity("prod", "node-7", "42ce85eb-b8c0-47a2-b3ac-423478b5c812"),
                new SequenceNumbers(17_510_731_654_795L), ClockOffset.fixed(1_778_255_084_000_000_000L));
        ProcFs noProc = new ProcFs(Path.of("/nonexistent"));
        return new KernelEventMapper(headers, new ProcessFactsCache(noProc), new CgroupIds(Optional.empty(), 16, 16),
                new SnapshotRoles(), rules);
    }

    private static List<String> pinned() throws IOException {
        try (InputStream in = PayloadRecordBytesTest.class.getResourceAsStream("/" + GOLDEN)) {
            assertThat(in).as(GOLDEN + " on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
