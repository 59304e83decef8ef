package io.tapwire.streams.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link CommitTimeStore} under a processor that applies a list of operations per input record (the test driver
 * commits after each record): reads see the latest writes at once, the changelog gets each changed key's value at
 * the commit only, and a scan sees what was written since the last commit.
 */
class CommitTimeStoreTest {

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> operations;
    private TestOutputTopic<String, String> reads;
    private TestOutputTopic<String, String> changelog;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(CommitTimeStore.builder("values", Serdes.String(), Serdes.String()));
        builder.stream("ops", Consumed.with(Serdes.String(), Serdes.String()))
                .process(Operations::new, "values")
                .to("reads", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "commit-time-store-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        driver = new TopologyTestDriver(builder.build(), props);
        operations = driver.createInputTopic("ops", Serdes.String().serializer(), Serdes.String().serializer());
        reads = driver.createOutputTopic("reads", Serdes.String().deserializer(), Serdes.String().deserializer());
        changelog = driver.createOutputTopic("commit-time-store-test-values-changelog",
                Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void aKeyWrittenThreeTimesBetweenTwoCommitsReachesTheChangelogOnceWithItsLastValue() {
        operations.pipeInput("k", "put a=1; put a=2; get a; put a=3; get a");
        assertThat(reads.readValuesToList()).containsExactly("a=2", "a=3");
        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", "3"));

        operations.pipeInput("k", "get a");
        assertThat(reads.readValuesToList()).as("read back after the commit").containsExactly("a=3");
        assertThat(changelog.isEmpty()).as("a read writes nothing").isTrue();
    }

    @Test
    void aDeletionIsReadAtOnceAndReachesTheChangelogAsATombstone() {
        operations.pipeInput("k", "put a=1");
        changelog.readKeyValuesToList();
        operations.pipeInput("k", "put a=2; delete a; get a");
        assertThat(reads.readValuesToList()).containsExactly("a=null");
        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("a", null));
        operations.pipeInput("k", "get a");
        assertThat(reads.readValuesToList()).containsExactly("a=null");
    }

    @Test
    void aScanSeesWhatWasWrittenSinceTheLastCommit() {
        operations.pipeInput("k", "put a=1; put b=2");
        operations.pipeInput("k", "put c=3; delete a; all");
        assertThat(reads.readValuesToList()).containsExactly("all=b=2,c=3");
    }

    /** Applies "put k=v", "delete k", "get k" and "all", separated by "; ", and forwards what it read. */
    private static final class Operations implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> values;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.values = context.getStateStore("values");
        }

        @Override
        public void process(Record<String, String> record) {
            for (String operation : record.value().split("; ")) {
                String[] words = operation.split(" ");
                switch (words[0]) {
                    case "put" -> values.put(words[1].split("=")[0], words[1].split("=")[1]);
                    case "delete" -> values.delete(words[1]);
                    case "get" -> context.forward(record.withValue(words[1] + "=" + values.get(words[1])));
                    case "all" -> {
                        List<String> all = new ArrayList<>();
                        try (KeyValueIterator<String, String> entries = values.all()) {
                            entries.forEachRemaining(entry -> all.add(entry.key + "=" + entry.value));
                        }
                        context.forward(record.withValue("all=" + String.join(",", all)));
                    }
                    default -> throw new IllegalArgumentException(operation);
                }
            }
        }
    }
}
