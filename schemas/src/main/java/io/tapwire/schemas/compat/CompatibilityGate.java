package io.tapwire.schemas.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks working schemas against every released version of their subject: raw topics BACKWARD_TRANSITIVE (the
 * new reader reads every historical version, so a replay reads all history), derived topics FULL_TRANSITIVE
 * (also every old reader reads the new data, so downstream consumers upgrade on their own schedule).
 */
public final class CompatibilityGate {

    private CompatibilityGate() {
    }

    /** Returns one readable line per violation; empty when everything is compatible. */
    public static List<String> check(Map<String, List<Schema>> released, Map<String, Schema> working) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<Schema>> entry : released.entrySet()) {
            String subject = entry.getKey();
            TapwireTopic topic = TapwireTopic.bySubject(subject).orElse(null);
            if (topic == null) {
                violations.add(subject + ": released, but no topic has this subject any more; a released contract "
                        + "cannot be removed");
                continue;
            }
            Schema current = working.get(subject);
            if (current == null) {
                violations.add(subject + ": released, but there is no working schema for it");
                continue;
            }
            List<Schema> versions = entry.getValue();
            for (int v = 0; v < versions.size(); v++) {
                String label = subject + " version " + (v + 1);
                check(label + " -> working schema", current, versions.get(v), violations);
                if (topic.kind() == TapwireTopic.Kind.DERIVED) {
                    check("working schema -> " + label, versions.get(v), current, violations);
                }
            }
        }
        return violations;
    }

    /** The working schema of every topic, by subject. */
    public static Map<String, Schema> workingSchemas() {
        Map<String, Schema> working = new java.util.TreeMap<>();
        for (TapwireTopic topic : TapwireTopic.values()) {
            working.put(topic.valueSubject(), topic.valueSchema());
        }
        return working;
    }

    private static void check(String direction, Schema reader, Schema writer, List<String> violations) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            result.getResult().getIncompatibilities().forEach(i -> violations.add(direction + ": "
                    + i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
        }
    }
}
