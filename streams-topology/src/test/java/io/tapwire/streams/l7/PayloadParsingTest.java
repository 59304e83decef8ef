package io.tapwire.streams.l7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.streams.l7.parse.Captures;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The parsing stage on real captures (the collector's records of real clients and servers), as a topology runs it. */
class PayloadParsingTest {

    private static final Serde<PayloadEvent> PAYLOADS = Serdes.serdeFrom(
            (topic, e) -> AvroCodec.of(PayloadEvent.class).encode(e), (topic, b) -> AvroCodec.of(PayloadEvent.class).decode(b));
    private static final Serde<L7Request> REQUESTS = Serdes.serdeFrom(
            (topic, e) -> AvroCodec.of(L7Request.class).encode(e), (topic, b) -> AvroCodec.of(L7Request.class).decode(b));

    private static final Serde<DeadLetter> LETTERS = Serdes.serdeFrom(
            (topic, e) -> AvroCodec.of(DeadLetter.class).encode(e), (topic, b) -> AvroCodec.of(DeadLetter.class).decode(b));

    private TopologyTestDriver driver;
    private TestOutputTopic<String, DeadLetter> dlq;
    private TestInputTopic<String, PayloadEvent> in;
    private TestOutputTopic<String, L7Request> out;

    @BeforeEach
    void buildTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, PayloadEvent> raw = builder.stream("raw.l7", Consumed.with(Serdes.String(), PAYLOADS));
        PayloadParsing.Outputs parsed = PayloadParsing.parse(builder, raw, Duration.ofMinutes(10), PAYLOADS.serializer());
        parsed.requests().to("requests", Produced.with(Serdes.String(), REQUESTS));
        parsed.unparseable().to("dlq", Produced.with(Serdes.String(), LETTERS));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "l7-parsing-test");
        driver = new TopologyTestDriver(builder.build(), props);
        in = driver.createInputTopic("raw.l7", Serdes.String().serializer(), PAYLOADS.serializer());
        out = driver.createOutputTopic("requests", Serdes.String().deserializer(), REQUESTS.deserializer());
        dlq = driver.createOutputTopic("dlq", Serdes.String().deserializer(), LETTERS.deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void send(List<PayloadEvent> capture) {
        for (PayloadEvent e : capture) {
            String key = e.getHeader().getCluster() + "/" + e.getHeader().getNode() + "/" + e.getHeader().getBootId()
                    + "/" + e.getSocketInode();
            in.pipeInput(key, e, Instant.ofEpochMilli(e.getHeader().getEpochTimeNs() / 1_000_000));
        }
    }

    @Test
    void aPsqlQueryBecomesOneRequestOnEachObservedSideWithTheSameDestinationAndSequenceNumbers() {
        send(Captures.read("/captures/postgres/simple-query.jsonl"));

        List<L7Request> requests = out.readValuesToList();

        assertThat(dlq.readValuesToList()).as("a clean capture: nothing unparseable").isEmpty();
        assertThat(requests).extracting(L7Request::getSide).containsExactlyInAnyOrder(ObservedSide.CLIENT, ObservedSide.SERVER);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.getProtocol()).isEqualTo("postgres");
            assertThat(r.getOperation()).isEqualTo("SELECT");
            assertThat(r.getResource()).isEqualTo("SELECT 1");
            assertThat(r.getStatus()).isEqualTo("ok");
            assertThat(r.getError()).isFalse();
            assertThat(r.getDurationNs()).isGreaterThanOrEqualTo(r.getFirstByteLatencyNs()).isPositive();
            assertThat(r.getRequestBytes()).isPositive();
            assertThat(r.getResponseBytes()).isPositive();
        });
        assertThat(requests).extracting(L7Request::getDestination).as("the server's ip:port, seen from both ends")
                .containsOnly(requests.get(0).getDestination());
        assertThat(requests).extracting(L7Request::getRequestSeq).as("the same bytes at both ends").doesNotContainNull()
                .containsOnly(requests.get(0).getRequestSeq());
        assertThat(requests).extracting(L7Request::getResponseSeq).containsOnly(requests.get(0).getResponseSeq());
    }

    @Test
    void pipelinedRedisCommandsAreAllPairedAcrossRecordsAndTheParserStateSurvivesBetweenThem() {
        send(Captures.read("/captures/redis/benchmark-pipelined.jsonl"));

        List<L7Request> requests = out.readValuesToList();

        assertThat(requests).filteredOn(r -> r.getSide() == ObservedSide.CLIENT)
                .extracting(L7Request::getOperation).containsOnly("CONFIG", "SET", "GET")
                .filteredOn("SET"::equals).hasSize(64);
        assertThat(requests).filteredOn(r -> r.getSide() == ObservedSide.SERVER && "GET".equals(r.getOperation()))
                .hasSize(64).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo("ok"));
    }

    @Test
    void aFailingQueryIsAnErrorWithItsSqlstate() {
        send(Captures.read("/captures/postgres/failing-query.jsonl"));

        assertThat(out.readValuesToList()).hasSize(2).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo("failed");
            assertThat(r.getError()).isTrue();
            assertThat(r.getErrorDetail()).startsWith("22012");
        });
    }

    @Test
    void aResponseWithNoRequestIsCountedAndSampledToTheDlqWhileTheStreamGoesOn() {
        List<PayloadEvent> capture = Captures.read("/captures/postgres/simple-query.jsonl");
        // The client socket's records without its first query: the server's answer arrives with nothing outstanding.
        PayloadEvent query = capture.stream().filter(e -> e.getRole() == io.tapwire.schemas.raw.ConnectionRole.CLIENT
                        && e.getDirection() == io.tapwire.schemas.raw.Direction.EGRESS
                        && PayloadParsingTest.head(e).startsWith("Q"))
                .findFirst().orElseThrow();
        send(capture.stream().filter(e -> e != query).toList());

        List<DeadLetter> letters = dlq.readValuesToList();
        assertThat(letters).hasSize(1).allSatisfy(letter -> {
            assertThat(letter.getStage()).isEqualTo("postgres parser");
            assertThat(letter.getReason()).contains("discarded 1 response(s) with no request");
            assertThat(AvroCodec.of(PayloadEvent.class).decode(letter.getValue().array()).getDirection())
                    .isEqualTo(io.tapwire.schemas.raw.Direction.INGRESS);
        });
        assertThat(out.readValuesToList()).as("the server's own view is still paired")
                .extracting(L7Request::getSide).containsExactly(ObservedSide.SERVER);
        assertThat(driver.metrics().entrySet()).anySatisfy(metric -> {
            assertThat(metric.getKey().name()).isEqualTo("unparseable-total");
            assertThat((Double) metric.getValue().metricValue()).isPositive();
        });
    }

    private static String head(PayloadEvent e) {
        java.nio.ByteBuffer head = e.getHead().duplicate();
        byte[] bytes = new byte[head.remaining()];
        head.get(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void dnsQueriesArePairedByIdOnBothSockets() {
        send(Captures.read("/captures/dns/a-query.jsonl"));

        assertThat(out.readValuesToList()).hasSize(2).allSatisfy(r -> {
            assertThat(r.getProtocol()).isEqualTo("dns");
            assertThat(r.getOperation()).isEqualTo("A");
            assertThat(r.getResource()).isEqualTo("tapwire.test");
            assertThat(r.getStatus()).isEqualTo("ok");
            assertThat(r.getRequestSeq()).isNull();
        });
    }
}
