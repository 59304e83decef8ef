package io.tapwire.streams.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.lifecycle.ProcessChange;
import io.tapwire.streams.store.RebuiltIndex;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The table's two indexes (current process per pid, exits by tombstone time) are in memory: a task that starts on
 * the stored processes alone must find both again, or a reused pid would leave two processes and an exit would never
 * be tombstoned.
 */
class ProcessTableTest {

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final long T0_NS = 1_800_000_000_000_000_000L;

    @Test
    void aTaskStartingOnStoredProcessesFindsTheCurrentProcessOfEachPidAndTheDueExitsAgain() throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            MockProcessorContext<String, Object> context = new MockProcessorContext<>();
            KeyValueStore<String, ProcessInfo> processes = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(ProcessRegistry.PROCESSES_STORE), Serdes.String(),
                    serdes.of(ProcessInfo.class)).withLoggingDisabled().build();
            processes.init(context.getStateStoreContext(), processes);

            ProcessTable before = new ProcessTable(processes, index(context, "pids-1"), index(context, "exits-1"), GRACE);
            before.apply(event(ProcessEventType.START, 700, 10, 0));
            before.apply(event(ProcessEventType.START, 800, 20, 0));
            before.apply(event(ProcessEventType.EXIT, 800, 20, 1_000));

            // The task starts again: the processes are restored, the indexes are new and empty.
            ProcessTable after = new ProcessTable(processes, index(context, "pids-2"), index(context, "exits-2"), GRACE);
            List<String> offered = new java.util.ArrayList<>();
            after.index((key, process) -> offered.add(key));
            assertThat(offered).as("every stored process, to be published again")
                    .containsExactly("prod/node-1/boot-1/700/10", "prod/node-1/boot-1/800/20");

            List<ProcessChange> reused = after.apply(event(ProcessEventType.START, 700, 30, 2_000));
            assertThat(reused).extracting(ProcessChange::key, change -> change.after() == null)
                    .as("the old process of pid 700 is tombstoned, the new one stored")
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("prod/node-1/boot-1/700/10", true),
                            org.assertj.core.groups.Tuple.tuple("prod/node-1/boot-1/700/30", false));
            assertThat(after.expire(GRACE.toMillis() + 500 + T0_NS / 1_000_000)).as("not yet past the grace").isEmpty();
            assertThat(after.expire(GRACE.toMillis() + 1_000 + T0_NS / 1_000_000))
                    .extracting(ProcessChange::key, change -> change.after() == null)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("prod/node-1/boot-1/800/20", true));
        }
    }

    private static KeyValueStore<String, String> index(MockProcessorContext<String, Object> context, String name) {
        KeyValueStore<String, String> store = RebuiltIndex.builder(name).build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static ProcessEvent event(ProcessEventType type, int pid, long startTicks, long atMs) {
        ProcessEvent.Builder event = ProcessEvent.newBuilder()
                .setHeaderBuilder(RawHeader.newBuilder().setCluster("prod").setNode("node-1").setBootId("boot-1")
                        .setSeq(atMs).setKernelTimeNs(atMs).setEpochTimeNs(T0_NS + atMs * 1_000_000L))
                .setTaskBuilder(TaskContext.newBuilder().setPid(pid).setTid(pid).setComm("api").setCgroupId(1)
                        .setNetnsInode(4026531840L))
                .setType(type).setPpid(1).setStartTimeTicks(startTicks);
        if (type == ProcessEventType.EXIT) {
            event.setExitCode(0);
        }
        return event.build();
    }
}
