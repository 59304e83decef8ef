package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/** The replayer catches a registry that departs from the documentation, as a client's stub tests would use it. */
class TranscriptReplayerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void schemaStringsCompareAsAvroSchemasAndOtherStringsExactly() throws IOException {
        assertThat(TranscriptReplayer.equivalent(json("{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}"),
                json("{\"schema\": \"\\\"string\\\"\"}"), false)).isTrue();
        assertThat(TranscriptReplayer.equivalent(json("{\"schema\": \"\\\"int\\\"\"}"),
                json("{\"schema\": \"\\\"string\\\"\"}"), false)).isFalse();
        assertThat(TranscriptReplayer.equivalent(json("\"BACKWARD\""), json("\"FORWARD\""), false)).isFalse();
        assertThat(TranscriptReplayer.equivalent(json("[\"a\", \"b\"]"), json("[\"b\", \"a\"]"), true)).isTrue();
        assertThat(TranscriptReplayer.equivalent(json("[\"a\", \"b\"]"), json("[\"b\", \"a\"]"), false)).isFalse();
        assertThat(TranscriptReplayer.equivalent(json("{\"id\": 1}"), json("{\"id\": 1, \"extra\": 2}"), false)).isFalse();
    }

    @Test
    void aStubThatAnswersWronglyFailsWithTheStepAndTheSource() throws IOException {
        // Answers every request with 200 {"id": 2}: wrong for the first step of api-schemas.json (a 40403).
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            byte[] body = "{\"id\": 2}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", TranscriptReplayer.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        try {
            String url = "http://127.0.0.1:" + stub.getAddress().getPort();
            assertThatThrownBy(() -> TranscriptReplayer.replay(TranscriptReplayer.load("api-schemas.json"), url))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("api-schemas.json step 1")
                    .hasMessageContaining("expected status 404")
                    .hasMessageContaining("docs.confluent.io");
        } finally {
            stub.stop(0);
        }
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
