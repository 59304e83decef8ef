package io.tapwire.kafka.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends a write that a follower received to the leader's advertised URL, unchanged, and relays the answer.
 * The request is marked as forwarded so that an instance that is no longer the leader refuses it rather than
 * forwarding it on.
 */
final class LeaderForwarder implements AutoCloseable {

    /** The leader's answer, and whether the receiver said it is not the leader (the write was then not made). */
    record Answer(ApiResponse response, boolean notLeader) {
    }

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tapwire-registry-forwarder");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;
    private final Duration requestTimeout;

    LeaderForwarder(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(threads)
                .build();
    }

    /**
     * @throws IOException when the leader could not be reached or did not answer in time
     */
    Answer forward(String leaderUrl, ApiRequest request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(stripSlash(leaderUrl) + request.rawPathAndQuery()))
                .timeout(requestTimeout)
                .header(HttpExchanges.FORWARDED_HEADER, "true")
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        ApiResponse relayed = ApiResponse.of(response.statusCode(), response.body());
        String offset = response.headers().firstValue(HttpExchanges.STORE_OFFSET_HEADER).orElse(null);
        if (offset != null) {
            relayed = relayed.withHeader(HttpExchanges.STORE_OFFSET_HEADER, offset);
        }
        return new Answer(relayed, response.headers().firstValue(HttpExchanges.NOT_LEADER_HEADER).isPresent());
    }

    /** Stops the client's threads (JDK 17's HttpClient has no close()). */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
