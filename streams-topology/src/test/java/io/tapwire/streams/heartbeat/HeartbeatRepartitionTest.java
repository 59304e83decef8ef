package io.tapwire.streams.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class HeartbeatRepartitionTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void aHeartbeatGoesToEveryPartitionAndAnythingElseByItsKey() {
        HeartbeatRepartition.Broadcast<String> partitioner = new HeartbeatRepartition.Broadcast<>(v -> v.startsWith("hb"));

        assertThat(partitioner.partitions("t", "prod/n1/b/0", "hb", 6)).contains(Set.of(0, 1, 2, 3, 4, 5));
        assertThat(partitioner.partitions("t", "prod/n1/b/0", "hb", 1)).contains(Set.of(0));
        assertThat(partitioner.partitions("t", "prod/n1/b/7", "data", 6)).as("default partitioning").isEqualTo(Optional.empty());
        assertThat(partitioner.partitions("t", "prod/n1/b/7", null, 6)).isEqualTo(Optional.empty());
    }

    @Test
    void eachTaskRelaysAtMostOneHeartbeatPerSecondOfEventTimeAndEveryRecord() {
        StreamsBuilder builder = new StreamsBuilder();
        HeartbeatRepartition.repartition(builder.stream("in", Consumed.with(Serdes.String(), Serdes.String())),
                        "relayed", Serdes.String(), v -> v.startsWith("hb"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "relay-test");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
            long[] offsets = {0, 400, 999, 1_000, 1_200, 2_500, 2_600};
            for (long offset : offsets) {
                in.pipeInput("k", "hb@" + offset, T0.plusMillis(offset));
                in.pipeInput("k", "data@" + offset, T0.plusMillis(offset));
            }
            assertThat(driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer())
                    .readRecordsToList()).extracting(TestRecord::value).containsExactly(
                    "hb@0", "data@0", "data@400", "data@999", "hb@1000", "data@1000", "data@1200",
                    "hb@2500", "data@2500", "data@2600");
        }
    }
}
