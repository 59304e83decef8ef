package io.tapwire.kafka.registry;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Decides whether a new schema may follow earlier ones under a compatibility level, with Avro's schema resolution
 * rules ({@link SchemaCompatibility#checkReaderWriterCompatibility}). The answer is the list of reasons it may not:
 * empty means compatible.
 */
final class CompatibilityChecker {

    /** One earlier schema of the subject, with the version it has there. */
    record Earlier(int version, Schema schema) {
    }

    private CompatibilityChecker() {
    }

    /**
     * @param earlier the subject's live versions, oldest first; a non-transitive level only looks at the last one
     */
    static List<String> check(CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        List<String> reasons = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return reasons;
        }
        List<Earlier> against = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
        // Newest first, as Confluent reports: the latest version's problems are the ones a user meets first.
        for (int i = against.size() - 1; i >= 0; i--) {
            Earlier old = against.get(i);
            if (level.newReadsOld()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old.schema()),
                        "the new schema cannot read data written with version " + old.version(), reasons);
            }
            if (level.oldReadsNew()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), candidate),
                        "version " + old.version() + " cannot read data written with the new schema", reasons);
            }
        }
        if (!reasons.isEmpty()) {
            reasons.add("{compatibility: '" + level + "'}");
        }
        return reasons;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction,
                                 List<String> reasons) {
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            reasons.add("{errorType:'" + incompatibility.getType() + "', description:'" + direction + ": "
                    + incompatibility.getMessage() + " at '" + incompatibility.getLocation() + "''}");
        }
    }
}
