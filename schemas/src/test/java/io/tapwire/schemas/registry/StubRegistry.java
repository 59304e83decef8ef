package io.tapwire.schemas.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;

/**
 * The smallest registry that serdes need (register, get by id), over real HTTP on loopback, counting requests
 * so tests can prove the caches work. Not a registry implementation: the real one is tested apart.
 */
public final class StubRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final HttpServer server;
    private final Map<String, Integer> idsByCanonicalSchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger requests = new AtomicInteger();

    public StubRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** Registers a schema directly, as another producer would have. */
    public int add(Schema schema) {
        return idsByCanonicalSchema.computeIfAbsent(schema.toString(), s -> {
            int id = nextId.getAndIncrement();
            schemasById.put(id, s);
            return id;
        });
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        Matcher register = REGISTER.matcher(path);
        Matcher byId = BY_ID.matcher(path);
        if (exchange.getRequestMethod().equals("POST") && register.matches()) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            int id = add(new Schema.Parser().parse(body.path("schema").asText()));
            reply(exchange, 200, JSON.createObjectNode().put("id", id));
        } else if (exchange.getRequestMethod().equals("GET") && byId.matches()
                && schemasById.containsKey(Integer.parseInt(byId.group(1)))) {
            reply(exchange, 200, JSON.createObjectNode().put("schema", schemasById.get(Integer.parseInt(byId.group(1)))));
        } else if (byId.matches()) {
            reply(exchange, 404, JSON.createObjectNode().put("error_code", 40403).put("message", "Schema not found"));
        } else {
            reply(exchange, 404, JSON.createObjectNode().put("error_code", 404).put("message", "HTTP 404 Not Found"));
        }
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
