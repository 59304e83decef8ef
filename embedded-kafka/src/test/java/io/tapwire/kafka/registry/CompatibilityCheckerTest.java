package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompatibilityCheckerTest {

    /** v1: id. */
    private static final Schema V1 = parse("{\"name\": \"id\", \"type\": \"long\"}");
    /** v2 adds a field with a default: every direction works. */
    private static final Schema ADD_WITH_DEFAULT = parse("{\"name\": \"id\", \"type\": \"long\"}",
            "{\"name\": \"note\", \"type\": \"string\", \"default\": \"\"}");
    /** Adds a field without a default: old data lacks it (not backward); old readers ignore it (forward). */
    private static final Schema ADD_WITHOUT_DEFAULT = parse("{\"name\": \"id\", \"type\": \"long\"}",
            "{\"name\": \"note\", \"type\": \"string\"}");
    /** Drops the only field of v1: new readers ignore it (backward); old readers miss it (not forward). */
    private static final Schema DROP_ID = parse("{\"name\": \"note\", \"type\": \"string\", \"default\": \"\"}");

    @ParameterizedTest(name = "{0}: add with default {1}, add without default {2}, drop a field without default {3}")
    @CsvSource({
            "NONE,     true, true,  true",
            "BACKWARD, true, false, true",
            "FORWARD,  true, true,  false",
            "FULL,     true, false, false",
            "BACKWARD_TRANSITIVE, true, false, true",
            "FORWARD_TRANSITIVE,  true, true,  false",
            "FULL_TRANSITIVE,     true, false, false"})
    void eachLevelDecidesAsAvroSchemaResolutionSays(CompatibilityLevel level, boolean addWithDefault,
                                                    boolean addWithoutDefault, boolean drop) {
        assertThat(compatible(level, ADD_WITH_DEFAULT, V1)).isEqualTo(addWithDefault);
        assertThat(compatible(level, ADD_WITHOUT_DEFAULT, V1)).isEqualTo(addWithoutDefault);
        assertThat(compatible(level, DROP_ID, V1)).isEqualTo(drop);
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersionTheOthersOnlyTheLatest() {
        // v1 {id}, v2 {id, note=""}, candidate {note} (no id, no default): reads v2 and v1 data? It needs note:
        // v2 has it, v1 does not and the candidate gives no default.
        Schema candidate = parse("{\"name\": \"note\", \"type\": \"string\"}");
        List<CompatibilityChecker.Earlier> earlier = List.of(
                new CompatibilityChecker.Earlier(1, V1), new CompatibilityChecker.Earlier(2, ADD_WITH_DEFAULT));
        assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD, candidate, earlier)).isEmpty();
        List<String> reasons = CompatibilityChecker.check(CompatibilityLevel.BACKWARD_TRANSITIVE, candidate, earlier);
        assertThat(reasons).isNotEmpty();
        assertThat(String.join("\n", reasons)).contains("version 1").doesNotContain("version 2")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("BACKWARD_TRANSITIVE");
    }

    @Test
    void theFirstVersionIsAlwaysCompatible() {
        assertThat(CompatibilityChecker.check(CompatibilityLevel.FULL_TRANSITIVE, V1, List.of())).isEmpty();
    }

    @Test
    void aTypeChangeIsReportedWithItsLocation() {
        Schema idAsString = parse("{\"name\": \"id\", \"type\": \"string\"}");
        List<String> reasons = CompatibilityChecker.check(CompatibilityLevel.BACKWARD, idAsString,
                List.of(new CompatibilityChecker.Earlier(1, V1)));
        assertThat(String.join("\n", reasons)).contains("TYPE_MISMATCH").contains("/fields/0");
    }

    private static boolean compatible(CompatibilityLevel level, Schema candidate, Schema old) {
        return CompatibilityChecker.check(level, candidate, List.of(new CompatibilityChecker.Earlier(1, old))).isEmpty();
    }

    private static Schema parse(String... fields) {
        return new Schema.Parser().parse(RegistryHttp.recordSchema("Order", fields));
    }
}
