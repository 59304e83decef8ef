package io.tapwire.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.streams.TopologySerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TapwireTopologyTest {

    @Test
    void rawBytesBecomeProcessesWithDuplicatesDroppedAndBadRecordsInTheDlq(@TempDir Path state) throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            Properties props = new Properties();
            props.setProperty("tapwire.streams.state-dir", state.toString());
            StreamsSettings settings = StreamsSettings.fromProperties(props);
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            try (TopologyTestDriver driver = new TopologyTestDriver(TapwireTopology.build(settings, serdes),
                    settings.streamsProperties())) {
                TestInputTopic<String, byte[]> raw = driver.createInputTopic("tapwire.raw.process.v1",
                        Serdes.String().serializer(), Serdes.ByteArray().serializer());
                byte[] exec = serdes.of(ProcessEvent.class).serializer().serialize("tapwire.raw.process.v1", exec(1, 42));
                Instant t = Instant.parse("2026-11-27T10:00:00Z");

                raw.pipeInput("prod/n1/42", exec, t);
                raw.pipeInput("prod/n1/42", exec, t.plusMillis(1));       // a producer retry
                raw.pipeInput("prod/n1/42", new byte[] {0, 0, 0, 0, 77}, t.plusMillis(2));

                Map<String, ProcessInfo> processes = driver.createOutputTopic("tapwire.processes.v1",
                        Serdes.String().deserializer(), serdes.of(ProcessInfo.class).deserializer()).readKeyValuesToMap();
                assertThat(processes).containsOnlyKeys("prod/n1/b1/42/900");
                assertThat(processes.get("prod/n1/b1/42/900").getService()).isEqualTo("/host/curl");
                var dlq = driver.createOutputTopic("tapwire.dlq.v1", Serdes.String().deserializer(),
                        serdes.of(DeadLetter.class).deserializer()).readValuesToList();
                assertThat(dlq).singleElement().satisfies(d -> assertThat(d.getReason()).contains("unknown schema id 77"));
            }
        }
    }

    private static ProcessEvent exec(long seq, int pid) {
        return ProcessEvent.newBuilder()
                .setHeader(RawHeader.newBuilder().setCluster("prod").setNode("n1").setBootId("b1").setSeq(seq)
                        .setKernelTimeNs(seq).setEpochTimeNs(1_795_000_000_000_000_000L).build())
                .setTask(TaskContext.newBuilder().setPid(pid).setTid(pid).setComm("curl").setCgroupId(1).setNetnsInode(1).build())
                .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(900).setExecFilename("/usr/bin/curl").build();
    }
}
