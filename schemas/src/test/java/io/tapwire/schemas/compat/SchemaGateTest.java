package io.tapwire.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaGateTest {

    private static final TapwireTopic RAW = TapwireTopic.RAW_L7;
    private static final TapwireTopic DERIVED = TapwireTopic.L7_REQUESTS;

    @Test
    void theCommittedReleasesAreCompatibleWithTheWorkingSchemas() {
        Path released = Path.of("released");
        assertThat(released).isDirectory();
        assertThat(CompatibilityGate.check(new ReleasedSchemas(released).load(), CompatibilityGate.workingSchemas()))
                .isEmpty();
    }

    @Test
    void aRawSchemaThatCannotReadItsHistoryIsRejected(@TempDir Path dir) {
        ReleasedSchemas store = new ReleasedSchemas(dir);
        store.release(RAW.valueSubject(), RAW.valueSchema());

        // A new required field without a default: records written before it cannot be read any more.
        Schema broken = withExtraField(RAW.valueSchema(), "\"type\": \"long\"");
        List<String> violations = CompatibilityGate.check(store.load(), Map.of(RAW.valueSubject(), broken));

        assertThat(violations).singleElement().asString()
                .contains(RAW.valueSubject() + " version 1 -> working schema")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("addedWithoutDefault");
    }

    @Test
    void aRawSchemaMayDropAFieldButADerivedOneMayNot(@TempDir Path dir) {
        ReleasedSchemas store = new ReleasedSchemas(dir);
        store.release(RAW.valueSubject(), withExtraField(RAW.valueSchema(), "\"type\": \"long\""));
        store.release(DERIVED.valueSubject(), withExtraField(DERIVED.valueSchema(), "\"type\": \"long\""));

        List<String> violations = CompatibilityGate.check(store.load(), Map.of(
                RAW.valueSubject(), RAW.valueSchema(),
                DERIVED.valueSubject(), DERIVED.valueSchema()));

        // Old consumers of the derived topic still need the field: FULL_TRANSITIVE forbids dropping it.
        assertThat(violations).singleElement().asString()
                .startsWith("working schema -> " + DERIVED.valueSubject() + " version 1")
                .contains("addedWithoutDefault");
    }

    @Test
    void addingAFieldWithADefaultIsCompatibleWithEveryVersion(@TempDir Path dir) {
        ReleasedSchemas store = new ReleasedSchemas(dir);
        store.release(RAW.valueSubject(), RAW.valueSchema());
        store.release(DERIVED.valueSubject(), DERIVED.valueSchema());
        Schema rawV2 = withExtraField(RAW.valueSchema(), "\"type\": \"long\", \"default\": 0");
        store.release(RAW.valueSubject(), rawV2);

        Schema rawV3 = withExtraField(rawV2, "\"type\": [\"null\", \"string\"], \"default\": null");
        assertThat(CompatibilityGate.check(store.load(), Map.of(
                RAW.valueSubject(), rawV3,
                DERIVED.valueSubject(), withExtraField(DERIVED.valueSchema(), "\"type\": \"int\", \"default\": 7"))))
                .isEmpty();
    }

    @Test
    void aChangedTypeIsRejectedAgainstEveryOlderVersionNotJustTheLatest(@TempDir Path dir) throws Exception {
        ReleasedSchemas store = new ReleasedSchemas(dir);
        store.release(RAW.valueSubject(), RAW.valueSchema());
        Schema v2 = withExtraField(RAW.valueSchema(), "\"type\": \"long\", \"default\": 0");
        store.release(RAW.valueSubject(), v2);

        // byteCount long -> int cannot read the longs of version 1 or 2.
        Schema retyped = new Schema.Parser().parse(RAW.valueSchema().toString()
                .replace("\"name\":\"byteCount\",\"type\":\"long\"", "\"name\":\"byteCount\",\"type\":\"int\""));
        List<String> violations = CompatibilityGate.check(store.load(), Map.of(RAW.valueSubject(), retyped));

        assertThat(violations).hasSize(2);
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("version 1").contains("TYPE_MISMATCH"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("version 2").contains("TYPE_MISMATCH"));
    }

    @Test
    void releaseWritesNumberedImmutableFilesAndTheCheckCommandFailsTheBuild(@TempDir Path dir) throws Exception {
        assertThat(SchemaGate.release(dir, RAW.topicName())).isZero();
        assertThat(SchemaGate.release(dir, RAW.topicName())).as("unchanged schema is not released twice").isZero();
        assertThat(dir.resolve(RAW.valueSubject()).resolve("1.avsc")).exists();
        assertThat(dir.resolve(RAW.valueSubject()).resolve("2.avsc")).doesNotExist();
        assertThat(SchemaGate.check(dir)).isZero();

        // A hand-made version 2 whose fd is a string: the working schema (fd int) cannot read it.
        Files.writeString(dir.resolve(RAW.valueSubject()).resolve("2.avsc"), RAW.valueSchema().toString()
                .replace("\"name\":\"fd\",\"type\":\"int\"", "\"name\":\"fd\",\"type\":\"string\""));
        assertThat(SchemaGate.check(dir)).isEqualTo(1);
    }

    @Test
    void gapsInVersionNumbersAreRejected(@TempDir Path dir) throws Exception {
        Path subject = Files.createDirectories(dir.resolve(RAW.valueSubject()));
        Files.writeString(subject.resolve("1.avsc"), RAW.valueSchema().toString());
        Files.writeString(subject.resolve("3.avsc"), RAW.valueSchema().toString());
        assertThatThrownBy(() -> new ReleasedSchemas(dir).load()).hasMessageContaining("without gaps");
    }

    @Test
    void aReleasedSubjectWithoutATopicIsReported(@TempDir Path dir) {
        ReleasedSchemas store = new ReleasedSchemas(dir);
        store.release("tapwire.gone.v1-value", RAW.valueSchema());
        assertThat(CompatibilityGate.check(store.load(), CompatibilityGate.workingSchemas()))
                .singleElement().asString().contains("cannot be removed");
    }

    private static Schema withExtraField(Schema schema, String typeAndDefault) {
        String json = schema.toString();
        String field = "{\"name\": \"addedWithoutDefault\", " + typeAndDefault + ", \"doc\": \"test\"}";
        if (json.contains("addedWithoutDefault")) {
            field = field.replace("addedWithoutDefault", "addedLater");
        }
        int fieldsEnd = json.lastIndexOf(']');
        return new Schema.Parser().parse(json.substring(0, fieldsEnd) + "," + field + json.substring(fieldsEnd));
    }
}
