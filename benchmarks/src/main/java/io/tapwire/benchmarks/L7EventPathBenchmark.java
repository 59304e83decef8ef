package io.tapwire.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.tapwire.collector.bpf.EventType;
import io.tapwire.collector.bpf.KernelEvent;
import io.tapwire.collector.bpf.KernelEventDecoder;
import io.tapwire.collector.bpf.L7PayloadEvent;
import io.tapwire.collector.bpf.TcpRole;
import io.tapwire.collector.node.ClockOffset;
import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.collector.node.SequenceNumbers;
import io.tapwire.collector.proc.CgroupIds;
import io.tapwire.collector.proc.ProcFs;
import io.tapwire.collector.proc.ProcessFactsCache;
import io.tapwire.collector.records.KernelEventMapper;
import io.tapwire.collector.records.L7Traffic;
import io.tapwire.collector.records.RawRecord;
import io.tapwire.collector.records.SnapshotRoles;
import io.tapwire.collector.redact.RedactionRules;
import io.tapwire.collector.redact.Redactor;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.Utils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collector's user-space work per L7 payload event, from the ring-buffer record as the kernel wrote it to the
 * bytes handed to Kafka, on the poll thread's path ({@code Collector.onEvent}, {@code RawProducer.send}). Each
 * benchmark method does one more stage than the one before, on the next record of a fixed sequence of real traffic
 * ({@link L7Traffic}), so a stage's cost is the difference of two adjacent figures:
 * <ol>
 *   <li>{@code a_copy}: the record copied from native memory into the poller's reused buffer, as RingBufferPoller
 *       does with the address libbpf passes it (not the upcall from native code itself: see JnaUpcallBenchmark);</li>
 *   <li>{@code b_decode}: + {@code KernelEventDecoder.decode};</li>
 *   <li>{@code c_map}: + {@code KernelEventMapper.map}: header, key, redaction with the default rules, the Avro
 *       record;</li>
 *   <li>{@code d_serialize}: + the wire-format value ({@code TapwireAvroSerializer}, the collector's);</li>
 *   <li>{@code e_append}: + what {@code KafkaProducer.send} does on the caller's thread besides waiting: the key's
 *       UTF-8 bytes, the partition's murmur2, and the append to a record batch with lz4 (Kafka's own batch builder,
 *       256 KiB batches as RawProducer configures; a full batch is closed and a new one started, as the
 *       accumulator does). Not the producer's locking, callbacks or sender thread.</li>
 * </ol>
 * {@code redact} alone runs the default rules over records decoded once (masking in place, so after the first round
 * secrets are already {@code *}: the walk is the same, the writes are not redone).
 *
 * <p>Traffic: {@code nginx} is the five records of one request of the L7 capture benchmark (hey fetching a 600-byte
 * file: both ends on loopback); {@code mixed} adds requests with credentials, a response with a tail, PostgreSQL and
 * Redis (30 records). The JVM runs with the collector's heap settings (bin/run-collector). One operation is one event.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"})
@State(Scope.Thread)
public class L7EventPathBenchmark {

    private static final int BATCH_BYTES = 256 * 1024;
    private static final int PARTITIONS = 6;

    @Param({"nginx", "mixed"})
    public String traffic;

    /** The record batch's compression, as the collector's {@code producer-compression} setting. */
    @Param({"lz4"})
    public String compression;

    private byte[][] records;
    /** The records in native memory, as in the ring buffer, and where each starts. */
    private Memory ring;
    private long[] addresses;
    private int next;
    private byte[] pollBytes;
    private ByteBuffer pollView;
    private KernelEventMapper mapper;
    private StubRegistry registry;
    private TapwireAvroSerializer<SpecificRecord> serializer;
    private ByteBuffer batchBuffer;
    private MemoryRecordsBuilder batch;
    private Redactor redactor;
    private L7PayloadEvent[] decoded;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<byte[]> list = switch (traffic) {
            case "nginx" -> L7Traffic.nginxStaticRequest();
            case "mixed" -> L7Traffic.mixed();
            default -> throw new IllegalArgumentException("traffic " + traffic);
        };
        records = list.toArray(new byte[0][]);
        ring = new Memory(list.stream().mapToLong(r -> r.length).sum());
        addresses = new long[records.length];
        long offset = 0;
        for (int i = 0; i < records.length; i++) {
            ring.write(offset, records[i], 0, records[i].length);
            addresses[i] = Pointer.nativeValue(ring) + offset;
            offset += records[i].length;
        }
        pollBytes = new byte[EventType.maxRecordSize()];
        pollView = ByteBuffer.wrap(pollBytes).order(ByteOrder.nativeOrder());
        RecordHeaders headers = new RecordHeaders(new NodeIdentity("prod", "node-7",
                "42ce85eb-b8c0-47a2-b3ac-423478b5c812"), new SequenceNumbers(), ClockOffset.measure());
        ProcFs noProc = new ProcFs(Path.of("/nonexistent"));
        mapper = new KernelEventMapper(headers, new ProcessFactsCache(noProc), new CgroupIds(Optional.empty(), 16, 16),
                new SnapshotRoles(), RedactionRules.defaults());
        registry = new StubRegistry();
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) TapwireTopic.RAW_L7.valueClass();
        serializer = new TapwireAvroSerializer<>(type, new RegistryClient(RegistryClientConfig.of(registry.url())), true);
        serializer.prepare(TapwireTopic.RAW_L7.topicName());
        batchBuffer = ByteBuffer.allocate(BATCH_BYTES);
        batch = newBatch();
        redactor = Redactor.defaults();
        decoded = new L7PayloadEvent[records.length];
        for (int i = 0; i < records.length; i++) {
            decoded[i] = (L7PayloadEvent) KernelEventDecoder.decode(ByteBuffer.wrap(records[i])
                    .order(ByteOrder.nativeOrder()));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public ByteBuffer a_copy() {
        return nextRecord();
    }

    @Benchmark
    public KernelEvent b_decode() {
        return KernelEventDecoder.decode(nextRecord());
    }

    @Benchmark
    public RawRecord c_map() {
        return mapper.map(KernelEventDecoder.decode(nextRecord())).orElseThrow();
    }

    @Benchmark
    public byte[] d_serialize() {
        RawRecord record = mapper.map(KernelEventDecoder.decode(nextRecord())).orElseThrow();
        return serializer.serialize(record.topic().topicName(), record.value());
    }

    @Benchmark
    public int e_append() {
        RawRecord record = mapper.map(KernelEventDecoder.decode(nextRecord())).orElseThrow();
        byte[] value = serializer.serialize(record.topic().topicName(), record.value());
        byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
        long timestamp = record.epochNs() / 1_000_000L;
        if (!batch.hasRoomFor(timestamp, key, value, Record.EMPTY_HEADERS)) {
            batch.build();
            batch = newBatch();
        }
        batch.append(timestamp, key, value);
        return partition;
    }

    @Benchmark
    public int redact() {
        L7PayloadEvent e = decoded[next];
        next = next + 1 == decoded.length ? 0 : next + 1;
        boolean fromClient = e.role() == TcpRole.UNKNOWN || (e.role() == TcpRole.CLIENT) == e.send();
        return redactor.redact(e.protocol(), fromClient, e.byteCount(), e.head(), e.head().length, e.tail(),
                e.tail().length);
    }

    /** As RingBufferPoller hands a record to its handler: copied into one reused buffer, limited to its length. */
    private ByteBuffer nextRecord() {
        int length = records[next].length;
        new Pointer(addresses[next]).read(0, pollBytes, 0, length);
        next = next + 1 == records.length ? 0 : next + 1;
        pollView.clear().limit(length);
        return pollView;
    }

    private MemoryRecordsBuilder newBatch() {
        batchBuffer.clear();
        return MemoryRecords.builder(batchBuffer, Compression.of(compression).build(), TimestampType.CREATE_TIME, 0L);
    }
}
