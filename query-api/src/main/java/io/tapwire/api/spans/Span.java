package io.tapwire.api.spans;

import java.util.Locale;

import io.tapwire.schemas.derived.L7Request;

/**
 * One request and its response seen from one side, as much of an {@link L7Request} as the span search shows.
 *
 * @param side        {@code client}, {@code server} or {@code unknown}: which end observed it
 * @param status      as the protocol states it ("200", "ok", "failed", "nxdomain", ...)
 * @param startNs     first request byte, nanoseconds since the epoch
 * @param durationNs  request to last response byte
 */
public record Span(String side, String clientService, String serverService, String destination, String protocol,
                   String operation, String resource, String status, boolean error, long startNs, long durationNs) {

    public static Span of(L7Request request) {
        return new Span(request.getSide().name().toLowerCase(Locale.ROOT), request.getClientService(),
                request.getServerService(), request.getDestination(), request.getProtocol(), request.getOperation(),
                request.getResource(), request.getStatus(), request.getError(), request.getStartEpochNs(),
                request.getDurationNs());
    }
}
