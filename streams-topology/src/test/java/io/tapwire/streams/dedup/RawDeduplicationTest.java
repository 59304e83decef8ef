package io.tapwire.streams.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RawDeduplicationTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Serde<ProcessEvent> SERDE = Serdes.serdeFrom(
            (topic, event) -> AvroCodec.of(ProcessEvent.class).encode(event),
            (topic, bytes) -> AvroCodec.of(ProcessEvent.class).decode(bytes));

    private TopologyTestDriver driver;
    private TestInputTopic<String, ProcessEvent> in;
    private TestOutputTopic<String, ProcessEvent> out;

    @BeforeEach
    void buildTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, ProcessEvent> raw = builder.stream("raw", Consumed.with(Serdes.String(), SERDE));
        RawDeduplication.deduplicate(builder, raw, "seen", ProcessEvent::getHeader, Duration.ofMinutes(10))
                .to("deduplicated", Produced.with(Serdes.String(), SERDE));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-test");
        driver = new TopologyTestDriver(builder.build(), props);
        in = driver.createInputTopic("raw", Serdes.String().serializer(), SERDE.serializer());
        out = driver.createOutputTopic("deduplicated", Serdes.String().deserializer(), SERDE.deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aProducerRetryIsDroppedButAGenuineRepeatPasses() {
        send(event("boot-a", 1, 100), T0);
        send(event("boot-a", 1, 100), T0.plusMillis(5));   // retry: same name
        send(event("boot-a", 2, 100), T0.plusMillis(6));   // same facts, new seq: a real second event
        send(event("boot-b", 1, 100), T0.plusMillis(7));   // same seq after a reboot: another record

        List<ProcessEvent> passed = out.readValuesToList();
        assertThat(passed).extracting(e -> e.getHeader().getBootId() + "#" + e.getHeader().getSeq())
                .containsExactly("boot-a#1", "boot-a#2", "boot-b#1");
    }

    @Test
    void aDuplicateArrivingOutOfOrderWithinTheRetentionIsDropped() {
        send(event("boot-a", 5, 1), T0.plusSeconds(60));
        send(event("boot-a", 4, 1), T0.plusSeconds(30));
        send(event("boot-a", 5, 1), T0.plusSeconds(61));
        send(event("boot-a", 4, 1), T0.plusSeconds(90));

        assertThat(out.readValuesToList()).extracting(e -> e.getHeader().getSeq()).containsExactly(5L, 4L);
    }

    @Test
    void namesOnEitherSideOfABlockBoundaryAreTold() {
        long last = SeenBlock.SIZE - 1;
        send(event("boot-a", last, 1), T0);
        send(event("boot-a", last + 1, 1), T0.plusMillis(1));
        send(event("boot-a", last + 1, 1), T0.plusMillis(2));   // retry of the first name of the next block
        send(event("boot-a", last, 1), T0.plusMillis(3));       // retry of the last name of the first block
        send(event("boot-a", 3 * SeenBlock.SIZE + 7, 1), T0.plusMillis(4));

        assertThat(out.readValuesToList()).extracting(e -> e.getHeader().getSeq())
                .containsExactly(last, last + 1, 3L * SeenBlock.SIZE + 7);
    }

    @Test
    void aNameIsForgottenOnceItsBlockIsARetentionBehindThePartition() {
        send(event("boot-a", 1, 1), T0);
        send(event("boot-a", 1, 1), T0.plusSeconds(599));                  // within 10 minutes: dropped
        send(event("boot-b", 1, 1), T0.plusSeconds(1200));                 // another boot moves the partition on
        send(event("boot-a", 1, 1), T0.plusSeconds(1201));                 // its block was forgotten: passes
        send(event("boot-b", 1, 1), T0.plusSeconds(1202));                 // a live block still drops

        assertThat(out.readValuesToList()).extracting(e -> e.getHeader().getBootId() + "#" + e.getHeader().getSeq())
                .containsExactly("boot-a#1", "boot-b#1", "boot-a#1");
    }

    @Test
    void aBlockSurvivesItsEncoding() {
        SeenBlock block = SeenBlock.empty();
        block.markSeen(5, 100);
        block.markSeen(SeenBlock.SIZE - 1, 250);
        SeenBlock decoded = SeenBlock.decode(block.encode());

        assertThat(decoded.newestTime()).isEqualTo(250);
        assertThat(decoded.markSeen(5, 300)).isFalse();
        assertThat(decoded.markSeen(SeenBlock.SIZE - 1, 300)).isFalse();
        assertThat(decoded.markSeen(6, 300)).isTrue();
        assertThatThrownBy(() -> SeenBlock.decode(new byte[12]))
                .hasMessageContaining("12 bytes");
    }

    @Test
    void replayingTheSameRecordsGivesTheSameOutput() {
        List<ProcessEvent> input = List.of(event("b", 1, 1), event("b", 1, 1), event("b", 2, 2), event("b", 1, 1));
        for (int i = 0; i < input.size(); i++) {
            send(input.get(i), T0.plusMillis(i));
        }
        List<ProcessEvent> first = out.readValuesToList();
        close();
        buildTopology();
        for (int i = 0; i < input.size(); i++) {
            send(input.get(i), T0.plusMillis(i));
        }
        assertThat(out.readValuesToList()).isEqualTo(first).hasSize(2);
    }

    private void send(ProcessEvent event, Instant time) {
        in.pipeInput("prod/node-1/" + event.getTask().getPid(), event, time);
    }

    private static ProcessEvent event(String bootId, long seq, int pid) {
        return ProcessEvent.newBuilder()
                .setHeader(RawHeader.newBuilder().setCluster("prod").setNode("node-1").setBootId(bootId).setSeq(seq)
                        .setKernelTimeNs(seq * 1000).setEpochTimeNs(T0.toEpochMilli() * 1_000_000 + seq).build())
                .setTask(TaskContext.newBuilder().setPid(pid).setTid(pid).setComm("postgres").setCgroupId(1)
                        .setNetnsInode(4026531840L).build())
                .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(12345).build();
    }
}
