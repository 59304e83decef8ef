package io.tapwire.api;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The API's own state: the read models it materialises from the derived topics. Every key can also be set as an
 * environment variable ({@code TAPWIRE_API_STATE_DIR}, {@code TAPWIRE_API_SPANS_RETENTION}, ...). Checked at start-up
 * by {@link #validate}, so a bad value stops the API with a message naming the setting.
 */
@ConfigMapping(prefix = "tapwire.api")
public interface ReadModelSettings {

    String STATE_DIR = "tapwire.api.state-dir";
    String SPANS_RETENTION = "tapwire.api.spans.retention";
    String SPANS_MAX_COUNT = "tapwire.api.spans.max-count";
    String CHECKPOINT_INTERVAL = "tapwire.api.counters.checkpoint-interval";
    String DEDUP_HORIZON = "tapwire.api.counters.dedup-horizon";
    String METRICS_RETENTION = "tapwire.api.metrics.retention";
    String METRICS_WINDOW_RETENTION = "tapwire.api.metrics.window-retention";
    String EVENTS_RETENTION = "tapwire.api.events.retention";
    String EVENTS_MAX_COUNT = "tapwire.api.events.max-count";

    /** Directory of the persisted state (the cumulative counters); one per API instance, kept across restarts. */
    @WithDefault("data/api")
    String stateDir();

    Spans spans();

    Counters counters();

    Metrics metrics();

    Events events();

    interface Metrics {
        /**
         * How far behind the newest window read (event time) the 1-minute rollups of the metric windows are kept, and
         * the services of processes no longer running: the longest range the service map and the series can show.
         */
        @WithDefault("24h")
        Duration retention();

        /**
         * How far behind the newest window read the windows themselves are kept (the topology's resolution); older
         * ranges are answered from the rollups. Must exceed the topology's grace period: an update of a window older
         * than this is dropped.
         */
        @WithDefault("1h")
        Duration windowRetention();
    }

    interface Events {
        /** How far behind the newest event read (event time) events are kept for {@code /api/v1/events}. */
        @WithDefault("168h")
        Duration retention();

        /** At most this many events are kept; the oldest go first. */
        @WithDefault("100000")
        int maxCount();
    }

    interface Spans {
        /** How far behind the newest span seen (event time) spans are kept for {@code /api/v1/spans}. */
        @WithDefault("1h")
        Duration retention();

        /** At most this many spans are kept; the oldest go first. */
        @WithDefault("100000")
        int maxCount();
    }

    interface Counters {
        /**
         * How often the counters are written to the state directory. {@code /metrics} shows the counters as last
         * written, so that a restart (even a crash) never shows a counter lower than a scrape saw before.
         */
        @WithDefault("1s")
        Duration checkpointInterval();

        /**
         * How long (event time, behind the newest window of the same partition) a counted window's key is remembered,
         * so that a final record delivered again is not counted twice. A final record older than that is not counted.
         */
        @WithDefault("1h")
        Duration dedupHorizon();
    }

    default Path stateDirPath() {
        return Path.of(stateDir());
    }

    /** Throws naming the first setting whose value cannot work. */
    default void validate() {
        if (stateDir().isBlank()) {
            throw new IllegalArgumentException(STATE_DIR + " must name a directory");
        }
        positive(SPANS_RETENTION, spans().retention());
        if (spans().maxCount() < 1) {
            throw new IllegalArgumentException(SPANS_MAX_COUNT + " must be at least 1, was " + spans().maxCount());
        }
        positive(CHECKPOINT_INTERVAL, counters().checkpointInterval());
        positive(DEDUP_HORIZON, counters().dedupHorizon());
        positive(METRICS_RETENTION, metrics().retention());
        positive(METRICS_WINDOW_RETENTION, metrics().windowRetention());
        if (metrics().windowRetention().compareTo(metrics().retention()) > 0) {
            throw new IllegalArgumentException(METRICS_WINDOW_RETENTION + " (" + metrics().windowRetention()
                    + ") must not exceed " + METRICS_RETENTION + " (" + metrics().retention() + ")");
        }
        positive(EVENTS_RETENTION, events().retention());
        if (events().maxCount() < 1) {
            throw new IllegalArgumentException(EVENTS_MAX_COUNT + " must be at least 1, was " + events().maxCount());
        }
    }

    private static void positive(String setting, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive, was " + value);
        }
    }
}
