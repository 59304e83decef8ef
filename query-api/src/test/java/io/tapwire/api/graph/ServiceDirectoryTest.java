package io.tapwire.api.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.tapwire.api.query.TimeRange;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceKind;
import org.junit.jupiter.api.Test;

class ServiceDirectoryTest {

    private static final long T0 = Instant.parse("2026-01-31T12:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private final ServiceDirectory directory = new ServiceDirectory(Duration.ofHours(1));

    private ProcessInfo put(String node, int pid, String service, long startedAtMs, Long exitedAtMs) {
        ProcessInfo p = Processes.process(node, pid, service, ServiceKind.CONTAINER, startedAtMs, exitedAtMs);
        directory.put(Processes.key(p), p);
        return p;
    }

    private static TimeRange range(long fromMs, long toMs) {
        return new TimeRange(Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs));
    }

    @Test
    void aServiceIsInARangeWhileOneOfItsProcessesRunsOrRanThen() {
        put("node-a", 1, "/docker/web", T0, null);
        put("node-b", 2, "/docker/web", T0, T0 + 10 * MINUTE);

        assertThat(directory.seenIn(range(T0 + 5 * MINUTE, T0 + 6 * MINUTE)).get("/docker/web").nodes())
                .containsExactly("node-a", "node-b");
        assertThat(directory.seenIn(range(T0 + 20 * MINUTE, T0 + 21 * MINUTE)).get("/docker/web").nodes())
                .as("node-b's process exited before").containsExactly("node-a");
        assertThat(directory.seenIn(range(T0 - 10 * MINUTE, T0 - MINUTE))).as("before it started").isEmpty();
        assertThat(directory.seenIn(range(T0, T0 + MINUTE)).get("/docker/web").kind()).isEqualTo("container");
    }

    @Test
    void aTombstoneEndsTheProcessButTheServiceStaysKnownWithinTheRetention() {
        ProcessInfo p = put("node-a", 1, "/docker/batch", T0, null);
        directory.remove(Processes.key(p));

        assertThat(directory.processCount()).isZero();
        assertThat(directory.knows("/docker/batch")).isTrue();
        assertThat(directory.kinds()).containsEntry("/docker/batch", "container");
        assertThat(directory.seenIn(range(T0 + 5 * MINUTE, T0 + 6 * MINUTE))).as("no longer running").isEmpty();
    }

    @Test
    void servicesWhoseProcessesEndedBeyondTheRetentionAreForgottenRunningOnesNever() {
        put("node-a", 1, "/docker/old", T0, T0 + MINUTE);
        put("node-a", 2, "/docker/daemon", T0, null);
        // event time moves on: two hours later, twice (the directory prunes once a minute of event time)
        put("node-a", 3, "/docker/new", T0 + 120 * MINUTE, null);
        put("node-a", 4, "/docker/new", T0 + 122 * MINUTE, null);

        assertThat(directory.knows("/docker/old")).isFalse();
        assertThat(directory.knows("/docker/daemon")).isTrue();
        assertThat(directory.seenIn(range(T0 + 121 * MINUTE, T0 + 122 * MINUTE))).containsOnlyKeys("/docker/daemon",
                "/docker/new");
    }
}
