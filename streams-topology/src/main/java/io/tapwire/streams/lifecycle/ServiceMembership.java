package io.tapwire.streams.lifecycle;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.keys.ServiceKey;
import io.tapwire.streams.internal.ServiceFact;
import io.tapwire.streams.internal.ServiceFactKind;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Beside the process registry, in its task: turns its process changes into the facts of the services they belong
 * to ({@link ServiceFact}, keyed by service): a live process joins its service, leaves it when an exec renames it
 * into another or when it is gone without an observed exit, and exits. The registry's notable events pass on as
 * EVENT facts, heartbeat markers as they are. What a process was before a change comes with the change
 * ({@link ProcessChange#before}), from the registry's own store, so this step keeps no state.
 */
final class ServiceMembership implements Processor<String, Object, String, ServiceFact> {

    private ProcessorContext<String, ServiceFact> context;

    @Override
    public void init(ProcessorContext<String, ServiceFact> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        if (HeartbeatMarker.is(record.key(), record.value())) {
            context.forward(new Record<>(HeartbeatMarker.KEY, null, record.timestamp()));
        } else if (record.value() instanceof ServiceEvent event) {
            forward(event.getService(), ServiceFact.newBuilder().setKind(ServiceFactKind.EVENT)
                    .setCluster(event.getCluster()).setNode(event.getNode()).setProcessKey("").setPid(event.getPid())
                    .setComm(event.getComm()).setEpochNs(event.getEpochNs()).setExitCode(event.getExitCode())
                    .setExitSignal(event.getSignal()).setEventType(event.getType().name()).setDetail(event.getDetail())
                    .build(), record.timestamp());
        } else if (record.value() instanceof ProcessChange change) {
            if (change.after() == null) {
                ProcessInfo before = change.before();
                if (before != null && before.getExitedAtEpochNs() == null) {
                    forward(before.getService(), fact(ServiceFactKind.LEAVE, change.key(), null, record.timestamp()),
                            record.timestamp());
                }
            } else {
                change(change.key(), change.before(), change.after(), record.timestamp());
            }
        }
    }

    private void change(String key, ProcessInfo before, ProcessInfo process, long timestamp) {
        boolean exited = process.getExitedAtEpochNs() != null;
        String service = process.getService();
        if (before != null && !before.getService().equals(service)) {
            if (before.getExitedAtEpochNs() == null) {
                forward(before.getService(), fact(ServiceFactKind.LEAVE, key, process, timestamp), timestamp);
            }
            before = null;
        }
        if (before == null && !exited) {
            forward(service, fact(ServiceFactKind.JOIN, key, process, timestamp), timestamp);
        } else if (exited && (before == null || before.getExitedAtEpochNs() == null)) {
            ServiceFact exit = fact(ServiceFactKind.EXIT, key, process, timestamp);
            exit.setEpochNs(process.getExitedAtEpochNs());
            exit.setStartedAtEpochNs(process.getStartedAtEpochNs());
            exit.setExitCode(process.getExitCode());
            exit.setExitSignal(process.getExitSignal());
            forward(service, exit, timestamp);
        }
    }

    private static ServiceFact fact(ServiceFactKind kind, String key, ProcessInfo process, long timestamp) {
        ServiceFact.Builder fact = ServiceFact.newBuilder().setKind(kind).setProcessKey(key).setEpochNs(timestamp * 1_000_000L);
        if (process == null) {
            ProcessKey gone = ProcessKey.parse(key);
            return fact.setCluster(gone.cluster()).setNode(gone.node()).setPid(gone.pid()).setComm("").build();
        }
        return fact.setCluster(process.getCluster()).setNode(process.getNode()).setPid(process.getPid())
                .setComm(process.getComm()).setEpochNs(process.getUpdatedAtEpochNs()).build();
    }

    private void forward(String service, ServiceFact fact, long timestamp) {
        context.forward(new Record<>(new ServiceKey(service).format(), fact, timestamp));
    }
}
