package io.tapwire.kafka.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where a write runs: here when this instance is the leader, else on the leader named by the latest
 * {@link StoreRecord.Leader} announcement. While leadership moves (the leader left, the next one is still taking
 * over) it waits and tries again, until the write timeout; then the answer is 50003, as Confluent answers when
 * its leader is unreachable. It only retries when the write surely was not made: the leader was unreachable or
 * said it is not the leader.
 */
final class WriteCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);
    private static final long RETRY_PAUSE_MILLIS = 100;

    private final StoreWriter writer;
    private final SchemaStore store;
    private final StoreLog log;
    private final LeaderForwarder forwarder;
    private final String selfUrl;
    private final Duration timeout;

    WriteCoordinator(StoreWriter writer, SchemaStore store, StoreLog log, LeaderForwarder forwarder, String selfUrl,
                     Duration timeout) {
        this.writer = writer;
        this.store = store;
        this.log = log;
        this.forwarder = forwarder;
        this.selfUrl = selfUrl;
        this.timeout = timeout;
    }

    /**
     * @param local performs the write on this instance (it throws {@link NotLeaderException} when it may not)
     */
    ApiResponse execute(ApiRequest request, Supplier<ApiResponse> local) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no leader has announced itself yet";
        while (true) {
            if (writer.isLeader()) {
                try {
                    return local.get();
                } catch (NotLeaderException e) {
                    lastProblem = "this instance lost the leadership during the write";
                }
            } else if (request.forwarded()) {
                // The sender took this instance for the leader; let it look again instead of chaining forwards.
                return HttpExchanges.error(RegistryErrors.forwardingFailed(selfUrl + " is not the leader", null))
                        .withHeader(HttpExchanges.NOT_LEADER_HEADER, "true");
            } else {
                Optional<String> leaderUrl = store.leader().map(StoreRecord.Leader::url)
                        .filter(url -> !url.equals(selfUrl));
                if (leaderUrl.isEmpty() && store.leader().isPresent()) {
                    lastProblem = "the last leader announced is this instance, which no longer leads;"
                            + " no other instance has taken over";
                }
                if (leaderUrl.isPresent()) {
                    try {
                        LeaderForwarder.Answer answer = forwarder.forward(leaderUrl.get(), request);
                        if (!answer.notLeader()) {
                            awaitOwnCopy(answer.response());
                            return answer.response();
                        }
                        lastProblem = leaderUrl.get() + " answered that it is not the leader";
                    } catch (ConnectException | HttpConnectTimeoutException e) {
                        // Nothing was sent: safe to try again, perhaps at a new leader.
                        lastProblem = "cannot connect to the leader at " + leaderUrl.get();
                    } catch (IOException e) {
                        // The request may have reached the leader: do not repeat it.
                        return HttpExchanges.error(RegistryErrors.forwardingFailed(
                                "no answer from the leader at " + leaderUrl.get() + ": " + e, e));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return HttpExchanges.error(RegistryErrors.forwardingFailed("interrupted", e));
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("Giving up on {} {}: {}", request.method(), request.path(), lastProblem);
                return HttpExchanges.error(RegistryErrors.forwardingFailed(lastProblem, null));
            }
            sleep();
        }
    }

    /** Read-your-writes on a follower: answer only once this instance has read the leader's record too. */
    private void awaitOwnCopy(ApiResponse response) {
        String offset = response.headers().get(HttpExchanges.STORE_OFFSET_HEADER);
        if (offset == null) {
            return;
        }
        try {
            log.awaitApplied(Long.parseLong(offset), timeout);
        } catch (RegistryException | NumberFormatException e) {
            LOG.warn("Follower did not read back the leader's write at offset {} in time", offset);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
