package io.tapwire.schemas.topics;

import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.DeadLetterKey;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.keys.ProfileKey;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.schemas.keys.ServiceKey;
import io.tapwire.schemas.keys.TcpMetricKey;

/**
 * The key formats of the topics. Topics that share a key format are co-partitioned: they must have the same
 * partition count, so that one key lands on the same partition number in each of them.
 */
public enum KeyFormat {
    NODE(NodeKey.FORMAT, NodeKey.class),
    NODE_PID(NodePidKey.FORMAT, NodePidKey.class),
    CONNECTION(ConnectionKey.FORMAT, ConnectionKey.class),
    PROCESS(ProcessKey.FORMAT, ProcessKey.class),
    LISTENER(ListenerKey.FORMAT, ListenerKey.class),
    L7_METRIC(L7MetricKey.FORMAT, L7MetricKey.class),
    TCP_METRIC(TcpMetricKey.FORMAT, TcpMetricKey.class),
    SERVICE_EDGE(ServiceEdgeKey.FORMAT, ServiceEdgeKey.class),
    SERVICE(ServiceKey.FORMAT, ServiceKey.class),
    PROFILE(ProfileKey.FORMAT, ProfileKey.class),
    DEAD_LETTER(DeadLetterKey.FORMAT, DeadLetterKey.class);

    private final String pattern;
    private final Class<? extends Record> keyClass;

    KeyFormat(String pattern, Class<? extends Record> keyClass) {
        this.pattern = pattern;
        this.keyClass = keyClass;
    }

    /** The documented format, e.g. {@code cluster/node/bootId/socketInode}. */
    public String pattern() {
        return pattern;
    }

    /** The class that prints and parses keys of this format. */
    public Class<? extends Record> keyClass() {
        return keyClass;
    }
}
