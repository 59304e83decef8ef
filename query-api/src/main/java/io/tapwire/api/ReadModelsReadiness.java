package io.tapwire.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once every read model has caught up with its topics (read them up to where they ended when it started:
 * before that, the API would answer from part of the history), and not ready once a read model has stopped reading on
 * a failure it cannot recover from (the API would go on answering from state that no longer moves). Waiting for Kafka
 * or for the registry is not such a failure (the Kafka check reports those), but it does keep the read models behind.
 */
@Readiness
@ApplicationScoped
public class ReadModelsReadiness implements HealthCheck {

    static final String NAME = "read-models";

    private final ReadModels readModels;

    public ReadModelsReadiness(ReadModels readModels) {
        this.readModels = readModels;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .withData("spansKept", readModels.spans().size())
                .withData("counterSeries", readModels.counters().l7().size() + readModels.counters().tcp().size())
                .withData("l7WindowSeries", readModels.l7Windows().series().seriesCount())
                .withData("tcpWindowSeries", readModels.tcpWindows().seriesCount())
                .withData("edges", readModels.edges().size())
                .withData("processes", readModels.directory().processCount())
                .withData("eventsKept", readModels.events().size());
        String failure = readModels.failure();
        List<String> catchingUp = readModels.catchingUp();
        if (failure == null && catchingUp.isEmpty()) {
            return response.up().build();
        }
        if (failure == null) {
            return response.down().withData("catchingUp", String.join(", ", catchingUp)).build();
        }
        return response.down().withData("error", "a read model stopped reading (" + failure
                + "); the log has the details, a restart reads on").build();
    }
}
