package io.tapwire.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.compat.ReleasedSchemas;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubjectSetupIT {

    @Test
    void everySubjectGetsItsCompatibilityLevelAndReleasedVersionsAreRegisteredInOrder(@TempDir Path released) throws Exception {
        TapwireTopic raw = TapwireTopic.RAW_TCP;
        Schema v1 = withoutLastField(raw.valueSchema());
        ReleasedSchemas store = new ReleasedSchemas(released);
        store.release(raw.valueSubject(), v1);
        store.release(raw.valueSubject(), raw.valueSchema());

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             SchemaRegistryServer server = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .port(0).build().start()) {
            RegistryClient registry = new RegistryClient(RegistryClientConfig.of(server.url()));
            Map<String, List<Schema>> versions = store.load();

            assertThat(SubjectSetup.apply(registry, versions)).isEqualTo(2);
            assertThat(SubjectSetup.apply(registry, versions)).as("a second run").isEqualTo(2);

            assertThat(registry.versions(raw.valueSubject())).containsExactly(1, 2);
            assertThat(registry.version(raw.valueSubject(), 1).schema()).isEqualTo(v1);
            assertThat(registry.subjectCompatibility(raw.valueSubject())).isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
            assertThat(registry.subjectCompatibility(TapwireTopic.L7_METRICS.valueSubject()))
                    .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);

            // The registry now guards the contract too: a raw schema that cannot read version 1 is refused.
            Schema broken = new Schema.Parser().parse(raw.valueSchema().toString()
                    .replace("\"name\":\"socketInode\",\"type\":\"long\"", "\"name\":\"socketInode\",\"type\":\"string\""));
            assertThatThrownBy(() -> registry.register(raw.valueSubject(), broken))
                    .isInstanceOf(RegistryException.IncompatibleSchema.class);
        }
    }

    @Test
    void thePackagedReleasesMatchTheCommittedFolder() {
        assertThat(ReleasedSchemas.fromClasspath()).isEqualTo(new ReleasedSchemas(Path.of("released")).load());
    }

    private static Schema withoutLastField(Schema schema) {
        String json = schema.toString();
        int last = json.lastIndexOf(",{\"name\":\"tcpState\"");
        return new Schema.Parser().parse(json.substring(0, last) + "]}");
    }
}
