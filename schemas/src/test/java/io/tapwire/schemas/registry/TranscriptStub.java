package io.tapwire.schemas.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tapwire.kafka.registry.Transcript;

/**
 * Serves one documented step of a Confluent transcript at a time: the request the client sends must be the
 * step's (method, path and query), and the answer is the response the documentation gives for it. Requests that
 * do not match are recorded and answered 500, so the test fails naming them.
 */
final class TranscriptStub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> mismatches = new ArrayList<>();
    private volatile Transcript.Step step;
    private volatile JsonNode lastBody;

    TranscriptStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void serve(Transcript.Step next) {
        this.step = next;
        this.lastBody = null;
    }

    List<String> mismatches() {
        return mismatches;
    }

    /** The JSON body of the last request, to compare with the documented one. */
    JsonNode lastBody() {
        return lastBody;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        byte[] body = exchange.getRequestBody().readAllBytes();
        lastBody = body.length == 0 ? null : JSON.readTree(body);
        Transcript.Step current = step;
        if (current == null || !current.request().method().equals(exchange.getRequestMethod())
                || !current.request().path().equals(target)) {
            mismatches.add(exchange.getRequestMethod() + " " + target + " while serving "
                    + (current == null ? "nothing" : current.request().method() + " " + current.request().path()));
            reply(exchange, 500, JSON.createObjectNode().put("error_code", 50001).put("message", "unexpected request"));
            return;
        }
        reply(exchange, current.response().status(), documentedBody(current.response()));
    }

    /** The documented answer: the whole body, else the documented fields (errors get a message), else the array. */
    private static JsonNode documentedBody(Transcript.Expected expected) {
        if (expected.body() != null) {
            return expected.body();
        }
        if (expected.bodyFields() != null) {
            ObjectNode fields = expected.bodyFields().deepCopy();
            if (fields.has("error_code") && !fields.has("message")) {
                fields.put("message", "documented error " + fields.get("error_code").asInt());
            }
            return fields;
        }
        if (expected.contains() != null) {
            return expected.contains();
        }
        return JSON.createObjectNode();
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", RegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
