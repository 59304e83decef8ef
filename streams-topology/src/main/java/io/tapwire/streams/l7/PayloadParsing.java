package io.tapwire.streams.l7;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.Select;
import io.tapwire.streams.dlq.DeadLetters;
import io.tapwire.streams.internal.DnsAnswer;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.PayloadSegments;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;
import io.tapwire.streams.net.Endpoints;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Phase two of the L7 design, first step: every payload record of a socket through its protocol's parser, in the
 * order of its partition (raw.l7 is keyed by connection id, so a socket's records are in one partition, in the
 * order the collector read them). Each completed request/response becomes an {@link L7Request} of its observed side,
 * keyed by the connection id. The parsers' state lives in a changelogged store between records, so a restart or a
 * replay continues exactly; a socket not heard of for the idle timeout (by stream time) is forgotten.
 *
 * <p>Payload records on which a parser lost the message boundaries (it resynchronises) or discarded a response with
 * no request are counted in the metric {@code unparseable-total} (group stream-tapwire-l7-metrics) and sampled to the
 * DLQ, at most once per connection per minute of stream time; the stream goes on.
 *
 * <p>The records carry what the socket knows (side, 4-tuple, destination, protocol, the exchange); the two services
 * are named by the next step, {@link RequestNaming}, from the connection tracking's resolution of both ends.
 */
public final class PayloadParsing {

    public static final String STORE = "l7-parsers";

    private PayloadParsing() {
    }

    /** Minimum stream time between two dead-letter samples of one socket. */
    static final long SAMPLE_INTERVAL_MS = 60_000;

    /**
     * The requests, keyed by connection id, with the raw topic's heartbeats as {@link HeartbeatMarker}s; samples of
     * payloads the parsers could not frame or pair; and the addresses of the DNS answers asking processes received
     * (keyed {@link #dnsKey}, with the same heartbeats), which name external services.
     */
    public record Outputs(KStream<String, L7Request> requests, KStream<String, DeadLetter> unparseable,
                          KStream<String, DnsAnswer> dnsAnswers) {
    }

    /**
     * @param serializer writes a sampled payload record into its dead letter
     */
    public static Outputs parse(StreamsBuilder builder, KStream<String, PayloadEvent> payloads, Duration idleTimeout,
                                Serializer<PayloadEvent> serializer) {
        // A busy socket's state changes with every record: it stays an object between commits, and only its value
        // at each commit is encoded and reaches RocksDB and the changelog.
        builder.addStateStore(CommitTimeStore.builder(STORE, Serdes.String(), StoredParser.SERDE));
        KStream<String, Object> parsed = payloads.process(() -> new SocketParsing(idleTimeout.toMillis(), serializer),
                Named.as("l7-socket-parsing"), STORE);
        return new Outputs(
                Select.ofType(parsed, L7Request.class, true, "l7-requests"),
                Select.ofType(parsed, DeadLetter.class, false, "l7-unparseable"),
                Select.ofType(parsed, DnsAnswer.class, true, "l7-dns-answers"));
    }

    /** A parser, when its socket was last heard of and when it last gave a dead-letter sample, as the store holds them. */
    record StoredParser(ProtocolParserFactory factory, ProtocolParser parser, long lastSeenMs, long lastSampleMs) {

        /** Null for bytes no parser of this version can restore: the socket starts again with a new parser. */
        static final Serde<StoredParser> SERDE = Serdes.serdeFrom((topic, parser) -> parser == null ? null : parser.encode(),
                (topic, bytes) -> bytes == null ? null : decode(bytes).orElse(null));

        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(factory.protocol());
                out.writeLong(lastSeenMs);
                out.writeLong(lastSampleMs);
                parser.writeState(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Optional<StoredParser> decode(byte[] stored) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
                String token = in.readUTF();
                long lastSeen = in.readLong();
                long lastSample = in.readLong();
                Optional<ProtocolParserFactory> factory = ProtocolParsers.forToken(token);
                if (factory.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredParser(factory.get(), factory.get().restore(in), lastSeen, lastSample));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    private static final class SocketParsing implements Processor<String, PayloadEvent, String, Object> {
        private final long idleTimeoutMs;
        private final Serializer<PayloadEvent> serializer;
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, StoredParser> parsers;
        private Sensor unparseable;

        SocketParsing(long idleTimeoutMs, Serializer<PayloadEvent> serializer) {
            this.idleTimeoutMs = idleTimeoutMs;
            this.serializer = serializer;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.parsers = context.getStateStore(STORE);
            // unparseable-total / -rate in the application's metrics (group stream-tapwire-l7-metrics): records a
            // parser could not frame (it resynchronised) or pair (a response with no request).
            this.unparseable = context.metrics().addRateTotalSensor("tapwire-l7", "parsers", "unparseable",
                    Sensor.RecordingLevel.INFO);
            // Stream time of this task's one raw partition: deterministic, unlike wall-clock time.
            context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::forgetIdle);
        }

        @Override
        public void process(Record<String, PayloadEvent> record) {
            PayloadEvent e = record.value();
            if (e != null && e.getHeader().getHeartbeat()) {
                // Time passes downstream too: the naming step's event-time sync waits for this partition's heartbeats.
                context.forward(new Record<>(HeartbeatMarker.KEY, null, record.timestamp()));
                return;
            }
            if (e == null || record.key() == null) {
                return;
            }
            Optional<StoredParser> existing = Optional.ofNullable(parsers.get(record.key()));
            Optional<ProtocolParserFactory> factory = existing.map(StoredParser::factory)
                    .or(() -> ProtocolParsers.forHint(e.getProtocolHint()));
            if (factory.isEmpty()) {
                return;
            }
            ProtocolParser parser = existing.map(StoredParser::parser).orElseGet(factory.get()::create);
            long lastSample = existing.map(StoredParser::lastSampleMs).orElse(Long.MIN_VALUE / 2);
            ParserCounters before = parser.counters();
            List<Exchange> exchanges = new ArrayList<>();
            parser.accept(PayloadSegments.of(e), exchanges::add);
            ParserCounters after = parser.counters();
            long trouble = after.resyncs() - before.resyncs() + after.unpairedResponses() - before.unpairedResponses();
            if (trouble > 0) {
                unparseable.record();
                if (record.timestamp() - lastSample >= SAMPLE_INTERVAL_MS) {
                    lastSample = record.timestamp();
                    context.forward(sample(record, factory.get().protocol(), before, after));
                }
            }
            parsers.put(record.key(), new StoredParser(factory.get(), parser, record.timestamp(), lastSample));
            for (Exchange exchange : exchanges) {
                context.forward(record.withValue(request(e, factory.get().protocol(), exchange)));
                if (e.getRole() == ConnectionRole.CLIENT && exchange.resource() != null) {
                    // What the asking process learnt: its node's connections to these addresses go to this name.
                    for (String address : exchange.answers()) {
                        DnsAnswer answer = new DnsAnswer(e.getHeader().getCluster(), e.getHeader().getNode(),
                                Endpoints.normalize(address), exchange.resource(), exchange.responseLastNs());
                        context.forward(new Record<>(dnsKey(answer), answer, record.timestamp()));
                    }
                }
            }
        }

        /** A dead letter holding the payload record after which the parser lost its footing. */
        private Record<String, Object> sample(Record<String, PayloadEvent> record, String protocol, ParserCounters before,
                                              ParserCounters after) {
            Optional<RecordMetadata> source = context.recordMetadata();
            String topic = source.map(RecordMetadata::topic).orElse("");
            Record<String, DeadLetter> letter = DeadLetters.of(source, record.key(), serializer.serialize(topic, record.value()),
                    record.timestamp(), protocol + " parser",
                    "the parser lost the message boundaries " + (after.resyncs() - before.resyncs())
                            + " time(s) and discarded " + (after.unpairedResponses() - before.unpairedResponses())
                            + " response(s) with no request on this record (connection totals: " + after
                            + "); a sample, at most one per connection per minute of stream time", null);
            return new Record<>(letter.key(), letter.value(), letter.timestamp());
        }

        private void forgetIdle(long streamTimeMs) {
            List<String> idle = new ArrayList<>();
            try (KeyValueIterator<String, StoredParser> all = parsers.all()) {
                while (all.hasNext()) {
                    KeyValue<String, StoredParser> entry = all.next();
                    if (entry.value == null || entry.value.lastSeenMs() < streamTimeMs - idleTimeoutMs) {
                        idle.add(entry.key);
                    }
                }
            }
            idle.forEach(parsers::delete);
        }
    }

    /** The key of the addresses a node's processes resolved: {@code cluster/node/address}. */
    public static String dnsKey(DnsAnswer answer) {
        return InternalKeys.join(answer.getCluster(), answer.getNode(), answer.getAddress());
    }

    /** The exchange as a record of its observed side. */
    static L7Request request(PayloadEvent e, String protocol, Exchange x) {
        SocketTuple tuple = e.getTuple();
        boolean server = e.getRole() == ConnectionRole.SERVER;
        ObservedSide side = switch (e.getRole()) {
            case CLIENT -> ObservedSide.CLIENT;
            case SERVER -> ObservedSide.SERVER;
            default -> ObservedSide.UNKNOWN;
        };
        String destination = server ? Endpoints.format(tuple.getLocalAddress(), tuple.getLocalPort())
                : Endpoints.format(tuple.getRemoteAddress(), tuple.getRemotePort());
        // Built with its setters, not Avro's builder, which validates every field again and deep-copies the
        // defaults of the ones left unset: a few percent of the stream thread, once per request.
        L7Request request = new L7Request();
        request.setCluster(e.getHeader().getCluster());
        request.setNode(e.getHeader().getNode());
        request.setBootId(e.getHeader().getBootId());
        request.setSocketInode(e.getSocketInode());
        request.setSide(side);
        request.setDestination(destination);
        request.setProtocol(protocol);
        request.setOperation(x.operation());
        request.setResource(x.resource());
        request.setStatus(x.status());
        request.setError(x.error());
        request.setErrorDetail(x.errorDetail());
        request.setStartEpochNs(x.requestStartNs());
        request.setFirstByteLatencyNs(Math.max(0, x.responseFirstNs() - x.requestStartNs()));
        request.setDurationNs(Math.max(0, x.responseLastNs() - x.requestStartNs()));
        request.setRequestBytes(x.requestBytes());
        request.setResponseBytes(x.responseBytes());
        request.setPid(e.getTask().getPid());
        request.setProcessStartTicks(e.getTask().getProcessStartTicks());
        request.setTid(e.getTask().getTid());
        request.setNetnsInode(e.getTask().getNetnsInode());
        request.setLocalAddress(tuple.getLocalAddress());
        request.setLocalPort(tuple.getLocalPort());
        request.setRemoteAddress(tuple.getRemoteAddress());
        request.setRemotePort(tuple.getRemotePort());
        request.setRequestSeq(x.requestSeq() >= 0 ? x.requestSeq() : null);
        request.setResponseSeq(x.responseSeq() >= 0 ? x.responseSeq() : null);
        request.setClientService("");
        request.setServerService("");
        request.setCountingSide(false);
        return request;
    }
}
