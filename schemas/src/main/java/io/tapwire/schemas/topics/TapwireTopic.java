package io.tapwire.schemas.topics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ProfileAggregate;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.raw.FileEvent;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProfileBatch;
import io.tapwire.schemas.raw.TcpEvent;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every Tapwire topic: its name, key format, value schema, cleanup policy and default retention. This table is
 * the contract of DESIGN.md "Topics (v1)"; the bootstrapper creates exactly these topics.
 */
public enum TapwireTopic {
    RAW_INVENTORY("tapwire.raw.inventory.v1", Kind.RAW, KeyFormat.NODE, NodeInventory.class, Cleanup.DELETE, Duration.ofDays(7)),
    RAW_PROCESS("tapwire.raw.process.v1", Kind.RAW, KeyFormat.NODE_PID, ProcessEvent.class, Cleanup.DELETE, Duration.ofDays(7)),
    RAW_TCP("tapwire.raw.tcp.v1", Kind.RAW, KeyFormat.CONNECTION, TcpEvent.class, Cleanup.DELETE, Duration.ofDays(7)),
    RAW_L7("tapwire.raw.l7.v1", Kind.RAW, KeyFormat.CONNECTION, PayloadEvent.class, Cleanup.DELETE, Duration.ofDays(7)),
    RAW_FILE("tapwire.raw.file.v1", Kind.RAW, KeyFormat.NODE_PID, FileEvent.class, Cleanup.DELETE, Duration.ofDays(7)),
    RAW_PROFILE("tapwire.raw.profile.v1", Kind.RAW, KeyFormat.NODE_PID, ProfileBatch.class, Cleanup.DELETE, Duration.ofDays(7)),
    PROCESSES("tapwire.processes.v1", Kind.DERIVED, KeyFormat.PROCESS, ProcessInfo.class, Cleanup.COMPACT, null),
    LISTENERS("tapwire.listeners.v1", Kind.DERIVED, KeyFormat.LISTENER, ListenerInfo.class, Cleanup.COMPACT, null),
    L7_REQUESTS("tapwire.l7.requests.v1", Kind.DERIVED, KeyFormat.CONNECTION, L7Request.class, Cleanup.DELETE, Duration.ofDays(3)),
    L7_METRICS("tapwire.l7.metrics.v1", Kind.DERIVED, KeyFormat.L7_METRIC, L7Metric.class, Cleanup.DELETE, Duration.ofDays(7)),
    TCP_METRICS("tapwire.tcp.metrics.v1", Kind.DERIVED, KeyFormat.TCP_METRIC, TcpMetric.class, Cleanup.DELETE, Duration.ofDays(7)),
    SERVICE_EDGES("tapwire.service.edges.v1", Kind.DERIVED, KeyFormat.SERVICE_EDGE, ServiceEdge.class, Cleanup.COMPACT, null),
    EVENTS("tapwire.events.v1", Kind.DERIVED, KeyFormat.SERVICE, ServiceEvent.class, Cleanup.DELETE, Duration.ofDays(30)),
    PROFILES("tapwire.profiles.v1", Kind.DERIVED, KeyFormat.PROFILE, ProfileAggregate.class, Cleanup.DELETE, Duration.ofDays(7)),
    DLQ("tapwire.dlq.v1", Kind.DERIVED, KeyFormat.DEAD_LETTER, DeadLetter.class, Cleanup.DELETE, Duration.ofDays(14));

    /** Raw topics hold kernel facts (BACKWARD_TRANSITIVE); derived topics are computed from them (FULL_TRANSITIVE). */
    public enum Kind { RAW, DERIVED }

    /** Kafka {@code cleanup.policy}. */
    public enum Cleanup {
        DELETE("delete"), COMPACT("compact");

        private final String policy;

        Cleanup(String policy) {
            this.policy = policy;
        }

        public String policy() {
            return policy;
        }
    }

    private final String topicName;
    private final Kind kind;
    private final KeyFormat keyFormat;
    private final Class<? extends SpecificRecord> valueClass;
    private final Schema valueSchema;
    private final Cleanup cleanup;
    private final Duration defaultRetention;

    TapwireTopic(String topicName, Kind kind, KeyFormat keyFormat, Class<? extends SpecificRecord> valueClass,
                 Cleanup cleanup, Duration defaultRetention) {
        this.topicName = topicName;
        this.kind = kind;
        this.keyFormat = keyFormat;
        this.valueClass = valueClass;
        this.valueSchema = SpecificData.get().getSchema(valueClass);
        this.cleanup = cleanup;
        this.defaultRetention = defaultRetention;
    }

    public String topicName() {
        return topicName;
    }

    public Kind kind() {
        return kind;
    }

    public KeyFormat keyFormat() {
        return keyFormat;
    }

    /** The generated record class of the values. */
    public Class<? extends SpecificRecord> valueClass() {
        return valueClass;
    }

    /** The working (current) value schema, compiled into the generated class. */
    public Schema valueSchema() {
        return valueSchema;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    /** Default {@code retention.ms}; empty for compacted topics, which keep the latest value per key forever. */
    public Optional<Duration> defaultRetention() {
        return Optional.ofNullable(defaultRetention);
    }

    /** Registry subject of the value schema under TopicNameStrategy. */
    public String valueSubject() {
        return topicName + "-value";
    }

    public static Optional<TapwireTopic> byName(String topicName) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
    }

    public static Optional<TapwireTopic> bySubject(String subject) {
        return Arrays.stream(values()).filter(t -> t.valueSubject().equals(subject)).findFirst();
    }
}
