package io.tapwire.api.spans;

import java.util.Locale;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.keys.ConnectionKey;

/**
 * One request and its response seen from one side, as much of an {@link L7Request} as the span search shows.
 *
 * @param side        {@code client}, {@code server} or {@code unknown}: which end observed it
 * @param status      as the protocol states it ("200", "ok", "failed", "nxdomain", ...)
 * @param startNs     first request byte, nanoseconds since the epoch
 * @param durationNs  request to last response byte
 * @param detail      what a span's detail view shows beyond the list's columns; null when not known
 */
public record Span(String side, String clientService, String serverService, String destination, String protocol,
                   String operation, String resource, String status, boolean error, long startNs, long durationNs,
                   Detail detail) {

    /**
     * @param connectionId the observed connection, {@code cluster/node/bootId/socketInode} (the key of
     *                     {@code tapwire.l7.requests.v1})
     * @param firstByteNs  request to first response byte; null when not observed
     * @param errorDetail  the protocol's error (SQLSTATE and message, Redis error line, ...); null when none
     */
    public record Detail(String connectionId, String node, int pid, long requestBytes, long responseBytes,
                         Long firstByteNs, String errorDetail) {
    }

    /** A span without its detail. */
    public Span(String side, String clientService, String serverService, String destination, String protocol,
                String operation, String resource, String status, boolean error, long startNs, long durationNs) {
        this(side, clientService, serverService, destination, protocol, operation, resource, status, error, startNs,
                durationNs, null);
    }

    public static Span of(L7Request request) {
        Detail detail = new Detail(new ConnectionKey(request.getCluster(), request.getNode(), request.getBootId(),
                request.getSocketInode()).format(), request.getNode(), request.getPid(), request.getRequestBytes(),
                request.getResponseBytes(), request.getFirstByteLatencyNs(), request.getErrorDetail());
        return new Span(request.getSide().name().toLowerCase(Locale.ROOT), request.getClientService(),
                request.getServerService(), request.getDestination(), request.getProtocol(), request.getOperation(),
                request.getResource(), request.getStatus(), request.getError(), request.getStartEpochNs(),
                request.getDurationNs(), detail);
    }
}
