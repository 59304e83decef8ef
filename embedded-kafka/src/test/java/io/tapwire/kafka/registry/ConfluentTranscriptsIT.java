package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every transcript written from Confluent's documentation against a fresh registry instance over real
 * HTTP, backed by a real broker: "compatible" means compatible with what Confluent documents.
 */
class ConfluentTranscriptsIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void everyTranscriptIsListedAndHasSteps() {
        List<String> names = TranscriptReplayer.bundledNames();
        assertThat(names).hasSizeGreaterThanOrEqualTo(7);
        for (String name : names) {
            Transcript transcript = TranscriptReplayer.load(name);
            assertThat(transcript.source()).as(name + " names its source").contains("docs.confluent.io");
            assertThat(transcript.steps()).as(name).isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> confluentDocumentedExchanges() {
        return TranscriptReplayer.bundledNames().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Transcript transcript = TranscriptReplayer.load(name);
            String topic = "_schemas_" + name.replace(".json", "").replace('-', '_');
            try (SchemaRegistryServer registry = SchemaRegistryServer.builder()
                    .bootstrapServers(broker.bootstrapServers()).topic(topic).port(0).build().start()) {
                TranscriptReplayer.replay(transcript, registry.url());
            }
        }));
    }
}
