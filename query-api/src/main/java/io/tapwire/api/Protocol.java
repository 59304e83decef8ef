package io.tapwire.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The L7 protocols by the token the topology writes in {@code L7Request.protocol} and {@code L7Metric.protocol}, and
 * how the Coroot node agent names their metric families. The one table of protocols in the API: the span search
 * accepts these tokens, the exposition takes its family names from here.
 *
 * <p>Coroot's names (its {@code containers/metrics.go}): {@code container_<name>_<noun>_total} counts requests by
 * status, {@code container_<name>_<noun>_duration_seconds_total} is the latency histogram, and the
 * {@code container_<name>_inbound_<noun>…} pair is the same seen by the server. HTTP/2 and gRPC are folded into HTTP
 * there, as here. Three protocols have no family here: RabbitMQ and NATS count messages by a {@code method} label
 * (produce/consume) without a histogram, which {@code tapwire.l7.metrics.v1} does not carry; DNS counts by
 * {@code request_type} and {@code domain} without a destination, and is counted from the requests themselves
 * ({@link io.tapwire.api.exposition.CorootExposition}).
 */
public enum Protocol {
    HTTP("http", "http", "requests", StatusRule.HTTP),
    HTTP2("http2", "http", "requests", StatusRule.HTTP),
    GRPC("grpc", "http", "requests", StatusRule.HTTP),
    POSTGRES("postgres", "postgres", "queries", StatusRule.OK_FAILED),
    MYSQL("mysql", "mysql", "queries", StatusRule.OK_FAILED),
    REDIS("redis", "redis", "queries", StatusRule.OK_FAILED),
    MEMCACHED("memcached", "memcached", "queries", StatusRule.OK_FAILED),
    MONGO("mongo", "mongo", "queries", StatusRule.OK_FAILED),
    CASSANDRA("cassandra", "cassandra", "queries", StatusRule.OK_FAILED),
    KAFKA("kafka", "kafka", "requests", StatusRule.OK_FAILED),
    RABBITMQ("rabbitmq", null, null, StatusRule.OK_FAILED),
    NATS("nats", null, null, StatusRule.OK_FAILED),
    DNS("dns", null, null, StatusRule.DNS);

    /** How a protocol's status becomes the {@code status} label (PROTOCOLS.md, "Status labels"). */
    public enum StatusRule { HTTP, DNS, OK_FAILED }

    private final String token;
    private final String corootName;
    private final String corootNoun;
    private final StatusRule statusRule;

    Protocol(String token, String corootName, String corootNoun, StatusRule statusRule) {
        this.token = token;
        this.corootName = corootName;
        this.corootNoun = corootNoun;
        this.statusRule = statusRule;
    }

    /** The token in the topics and in the API's parameters: {@code http}, {@code postgres}, ... */
    public String token() {
        return token;
    }

    public StatusRule statusRule() {
        return statusRule;
    }

    /** Whether {@code /metrics} has Coroot's families for this protocol. */
    public boolean exposed() {
        return corootName != null;
    }

    /** {@code container_http_requests_total}; {@code inbound} gives {@code container_http_inbound_requests_total}. */
    public String requestsFamily(boolean inbound) {
        return family(inbound) + "_total";
    }

    /** {@code container_http_requests_duration_seconds_total}, a histogram despite the suffix (Coroot's name). */
    public String durationFamily(boolean inbound) {
        return family(inbound) + "_duration_seconds_total";
    }

    /** What the families count, for their HELP line: "HTTP requests", "Postgres queries". */
    public String countedThings() {
        String name = corootName.equals("http") ? "HTTP" : corootName.substring(0, 1).toUpperCase(Locale.ROOT)
                + corootName.substring(1);
        return name + " " + corootNoun;
    }

    private String family(boolean inbound) {
        if (!exposed()) {
            throw new IllegalStateException(token + " has no Coroot metric family");
        }
        return "container_" + corootName + (inbound ? "_inbound_" : "_") + corootNoun;
    }

    /**
     * The protocol a request parameter names by its token, null when the parameter is absent.
     *
     * @throws BadParameterException naming {@code parameter} when the token is not one of the table's
     */
    public static Protocol parameter(String parameter, String token) {
        if (token == null) {
            return null;
        }
        return byToken(token).orElseThrow(() -> new BadParameterException(parameter,
                parameter + " must be one of " + Arrays.stream(values()).map(Protocol::token)
                        .collect(Collectors.joining(", ")) + ", was '" + token + "'"));
    }

    public static Optional<Protocol> byToken(String token) {
        return Arrays.stream(values()).filter(p -> p.token.equals(token)).findFirst();
    }
}
