package io.tapwire.streams.lifecycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.ServiceKey;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.NodeLifecycle;
import io.tapwire.streams.internal.ServiceFact;
import io.tapwire.streams.internal.ServiceFactKind;
import io.tapwire.streams.internal.ServiceLifecycleState;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.EventTimeSync;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The events of {@code tapwire.events.v1}: the registry's notable events (OOM kills, crashes, exits with an error)
 * and restarts, found here. The registry's process changes become facts of their service ({@link
 * ServiceMembership}), are repartitioned by service and put in event-time order, so every event of a service comes
 * out in order and a replay gives the same sequence. A restart is a new process of a service on a node whose live
 * processes there had all exited, as {@link RestartRule} says.
 */
public final class ServiceLifecycle {

    public static final String STATE_STORE = "service-lifecycle";
    static final String BY_SERVICE = "service-facts-by-service";

    private ServiceLifecycle() {
    }

    /**
     * @param registryOutput the registry's {@link ProcessChange}s, its {@link ServiceEvent}s and its heartbeat
     *                       markers, in the registry's own task
     * @param upstreamTasks  tasks writing to the repartition (the partitions of the raw topics)
     */
    public static KStream<String, ServiceEvent> build(StreamsBuilder builder, KStream<String, Object> registryOutput,
                                                      TopologySerdes serdes, RestartRule rule, int upstreamTasks) {
        // A service's state changes with every fact of any of its processes: an object between commits
        // (CommitTimeStore), written once at each, so a busy service costs a store write per commit, not one per fact.
        builder.addStateStore(CommitTimeStore.builder(STATE_STORE, Serdes.String(), serdes.of(ServiceLifecycleState.class)));
        KStream<String, ServiceFact> facts = registryOutput.process(ServiceMembership::new,
                Named.as("service-membership"));
        KStream<String, ServiceFact> byService = HeartbeatRepartition.repartition(facts, BY_SERVICE,
                serdes.of(ServiceFact.class), fact -> false);
        return EventTimeSync.ordered(builder, byService, BY_SERVICE, upstreamTasks, serdes.of(ServiceFact.class),
                        fact -> false)
                .process(() -> new Lifecycle(rule), Named.as("service-lifecycle"), STATE_STORE);
    }

    /** Per service, the live processes and last exit on each node; emits the events in the order of the facts. */
    private static final class Lifecycle implements Processor<String, ServiceFact, String, ServiceEvent> {
        private final RestartRule rule;
        private ProcessorContext<String, ServiceEvent> context;
        private KeyValueStore<String, ServiceLifecycleState> states;

        Lifecycle(RestartRule rule) {
            this.rule = rule;
        }

        @Override
        public void init(ProcessorContext<String, ServiceEvent> context) {
            this.context = context;
            this.states = context.getStateStore(STATE_STORE);
        }

        @Override
        public void process(Record<String, ServiceFact> record) {
            ServiceFact fact = record.value();
            if (fact == null) {
                return;
            }
            String service = ServiceKey.parse(record.key()).service();
            if (fact.getKind() == ServiceFactKind.EVENT) {
                emit(record, event(service, fact, ServiceEventType.valueOf(fact.getEventType()), fact.getDetail()));
                return;
            }
            ServiceLifecycleState state = states.get(record.key());
            Map<String, NodeLifecycle> nodes = new HashMap<>(state == null ? Map.of() : state.getNodes());
            String nodeKey = new NodeKey(fact.getCluster(), fact.getNode()).format();
            NodeLifecycle node = nodes.getOrDefault(nodeKey, NodeLifecycle.newBuilder().build());
            TreeSet<String> live = new TreeSet<>(node.getLive());
            switch (fact.getKind()) {
                case JOIN -> {
                    if (live.isEmpty() && node.getLastExitEpochNs() != null && node.getLastExitRestarts()
                            && rule.withinWindow(node.getLastExitEpochNs(), fact.getEpochNs())) {
                        long afterMs = (fact.getEpochNs() - node.getLastExitEpochNs()) / 1_000_000L;
                        emit(record, event(service, fact, ServiceEventType.RESTART, "started " + afterMs
                                + " ms after pid " + node.getLastExitPid() + ", its last process on the node, exited"));
                    }
                    live.add(fact.getProcessKey());
                    node.setLastExitEpochNs(null);
                    node.setLastExitRestarts(false);
                }
                case LEAVE -> live.remove(fact.getProcessKey());
                case EXIT -> {
                    live.remove(fact.getProcessKey());
                    if (live.isEmpty()) {
                        node.setLastExitEpochNs(fact.getEpochNs());
                        node.setLastExitRestarts(rule.exitLeadsToRestart(fact));
                        node.setLastExitPid(fact.getPid());
                    }
                }
                default -> { }
            }
            node.setLive(new ArrayList<>(live));
            if (live.isEmpty() && node.getLastExitEpochNs() == null) {
                nodes.remove(nodeKey);
            } else {
                nodes.put(nodeKey, node);
            }
            if (nodes.isEmpty()) {
                states.delete(record.key());
            } else {
                states.put(record.key(), ServiceLifecycleState.newBuilder().setNodes(nodes).build());
            }
        }

        private void emit(Record<String, ServiceFact> record, ServiceEvent event) {
            context.forward(new Record<>(record.key(), event, record.timestamp()));
        }

        private static ServiceEvent event(String service, ServiceFact fact, ServiceEventType type, String detail) {
            return ServiceEvent.newBuilder().setService(service).setType(type).setEpochNs(fact.getEpochNs())
                    .setCluster(fact.getCluster()).setNode(fact.getNode()).setPid(fact.getPid()).setComm(fact.getComm())
                    .setExitCode(type == ServiceEventType.RESTART ? null : fact.getExitCode())
                    .setSignal(type == ServiceEventType.RESTART ? null : fact.getExitSignal())
                    .setDetail(detail).build();
        }
    }
}
