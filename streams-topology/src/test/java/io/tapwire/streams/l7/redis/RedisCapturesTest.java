package io.tapwire.streams.l7.redis;

import static io.tapwire.streams.l7.parse.CaptureAssertions.assertSidesAgree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.streams.l7.parse.CaptureAssertions;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Captures.Side;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.StateRoundTrip;
import org.junit.jupiter.api.Test;

/**
 * Real traffic (src/test/resources/captures/redis, recorded with the collector's CaptureFixtures against Debian's Redis
 * 7.0: each file's first line gives the client command), parsed on the client's and on the server's socket.
 */
class RedisCapturesTest {

    private static final RedisParserFactory FACTORY = new RedisParserFactory();

    private static List<Side> sides(String capture) {
        return Captures.sides(FACTORY, capture);
    }

    private static void assertSane(Side side) {
        assertThat(side.exchanges()).allSatisfy(CaptureAssertions::assertWellFormed);
        assertThat(side.parser().counters().unpairedResponses()).isZero();
        StateRoundTrip.assertRestoredMatches(FACTORY, side.run());
    }

    /** Both sockets of each connection saw the same exchanges: same bytes, same TCP sequence numbers. */
    private static void assertBothSidesAgree(List<Side> sides) {
        assertSidesAgree(sides, e -> List.of(e.requestSeq(), e.responseSeq(), String.valueOf(e.operation()),
                String.valueOf(e.resource()), e.status(), e.requestBytes(), e.responseBytes()));
    }

    @Test
    void aRedisCliSessionPairsEveryCommandAlsoAfterTheHugeCommandDocsReplyItCouldNotFrame() {
        List<Side> sides = sides("/captures/redis/cli-session.jsonl");

        assertThat(sides).extracting(Side::role).containsExactly(ConnectionRole.CLIENT, ConnectionRole.SERVER);
        for (Side side : sides) {
            assertThat(side.exchanges()).extracting(Exchange::operation, Exchange::resource, Exchange::status)
                    .containsExactly(tuple("COMMAND", null, "ok"), tuple("SET", "greeting", "ok"),
                            tuple("GET", "missing-key", "ok"), tuple("INCR", "greeting", "failed"),
                            tuple("HSET", "user:1", "ok"), tuple("HGETALL", "user:1", "ok"), tuple("DEL", "user:1", "ok"));
            assertThat(side.exchanges().get(0).responseBytes()).as("COMMAND DOCS: 172,298 bytes, its middle not captured")
                    .isEqualTo(172_298);
            assertThat(side.exchanges().get(3).errorDetail()).isEqualTo("ERR value is not an integer or out of range");
            assertThat(side.exchanges().get(2).responseBytes()).as("$-1").isEqualTo(5);
            assertThat(side.exchanges().get(5).responseBytes()).as("a nested array").isEqualTo(43);
            assertThat(side.parser().counters().resyncs()).as("found again at the reply to SET").isEqualTo(1);
            assertSane(side);
        }
        assertBothSidesAgree(sides);
    }

    @Test
    void resp3ConnectionsPairHelloAndTheirCommand() {
        List<Side> sides = sides("/captures/redis/resp3.jsonl");

        assertThat(sides).hasSize(6);
        List<List<String>> operations = new ArrayList<>();
        for (Side side : sides) {
            operations.add(side.exchanges().stream().map(Exchange::operation).toList());
            assertThat(side.exchanges().get(0).responseBytes()).as("HELLO 3's map").isEqualTo(145);
            assertThat(side.exchanges()).extracting(Exchange::status).containsOnly("ok");
            assertThat(side.parser().counters().resyncs()).isZero();
            assertSane(side);
        }
        assertThat(operations).containsOnly(List.of("HELLO", "HSET"), List.of("HELLO", "HGETALL"),
                List.of("HELLO", "GET"));
        Exchange get = sides.stream().flatMap(s -> s.exchanges().stream())
                .filter(e -> "GET".equals(e.operation())).findFirst().orElseThrow();
        assertThat(get.responseBytes()).as("RESP3 null: _\\r\\n").isEqualTo(3);
        assertBothSidesAgree(sides);
    }

    @Test
    void authIsAnOrdinaryCommandWhosePasswordIsNeverTheResource() {
        List<Side> sides = sides("/captures/redis/auth.jsonl");

        assertThat(sides).hasSize(4);
        List<List<Object>> seen = new ArrayList<>();
        for (Side side : sides) {
            seen.add(side.exchanges().stream().map(e -> (Object) List.of(e.operation(), String.valueOf(e.resource()),
                    e.status(), String.valueOf(e.errorDetail()))).toList());
            assertSane(side);
        }
        List<Object> good = List.of(List.of("AUTH", "null", "ok", "null"), List.of("SET", "greeting", "ok", "null"));
        List<Object> wrong = List.of(
                List.of("AUTH", "null", "failed", "WRONGPASS invalid username-password pair or user is disabled."),
                List.of("GET", "greeting", "failed", "NOAUTH Authentication required."));
        assertThat(seen).containsExactlyInAnyOrder(good, good, wrong, wrong);
        assertBothSidesAgree(sides);
    }

    @Test
    void redisBenchmarkPipeliningSixteenCommandsPerWritePairsAllOfThem() {
        List<Side> sides = sides("/captures/redis/benchmark-pipelined.jsonl");

        List<String> perSocket = new ArrayList<>();
        for (Side side : sides) {
            List<String> operations = side.exchanges().stream().map(Exchange::operation).distinct().toList();
            perSocket.add(side.exchanges().size() + " " + operations);
            assertThat(side.parser().counters().resyncs()).isZero();
            assertThat(((RedisParser) side.parser()).pendingRequests()).isZero();
            assertSane(side);
        }
        assertThat(perSocket).containsExactlyInAnyOrder("2 [CONFIG]", "2 [CONFIG]", "64 [SET]", "64 [SET]",
                "64 [GET]", "64 [GET]");
        Side sets = sides.stream().filter(s -> s.exchanges().size() == 64
                && s.exchanges().get(0).operation().equals("SET")).findFirst().orElseThrow();
        assertThat(sets.exchanges()).extracting(Exchange::requestBytes, Exchange::responseBytes).containsOnly(tuple(45L, 5L));
        assertThat(sets.exchanges()).extracting(Exchange::requestSeq).isSorted().doesNotHaveDuplicates();
        assertBothSidesAgree(sides);
    }

    @Test
    void aValueLargerThanTheHeadIsFramedByItsLength() {
        List<Side> sides = sides("/captures/redis/big-value.jsonl");

        assertThat(sides).hasSize(6);
        List<Object> seen = new ArrayList<>();
        for (Side side : sides) {
            Exchange e = side.exchanges().get(0);
            assertThat(side.exchanges()).hasSize(1);
            seen.add(List.of(e.operation(), e.requestBytes(), e.responseBytes()));
            assertThat(side.parser().counters().resyncs()).isZero();
            assertSane(side);
        }
        assertThat(seen).containsExactlyInAnyOrder(List.of("SET", 6699L, 5L), List.of("SET", 6699L, 5L),
                List.of("GET", 22L, 6677L), List.of("GET", 22L, 6677L), List.of("STRLEN", 25L, 7L),
                List.of("STRLEN", 25L, 7L));
        assertBothSidesAgree(sides);
    }

    @Test
    void aSubscriberPairsItsSubscribeAndNotThePublishedMessages() {
        List<Side> sides = sides("/captures/redis/pubsub.jsonl");

        assertThat(sides).hasSize(6);
        List<Object> seen = new ArrayList<>();
        for (Side side : sides) {
            seen.add(side.exchanges().stream().map(e -> List.of(e.operation(), e.resource(), e.responseBytes()))
                    .toList());
            assertSane(side);
        }
        List<Object> subscribe = List.of(List.of("SUBSCRIBE", "news", 33L));
        List<Object> publish = List.of(List.of("PUBLISH", "news", 4L));
        assertThat(seen).as("the two messages the subscriber received are no replies")
                .containsExactlyInAnyOrder(subscribe, subscribe, publish, publish, publish, publish);
        assertBothSidesAgree(sides);
    }
}
