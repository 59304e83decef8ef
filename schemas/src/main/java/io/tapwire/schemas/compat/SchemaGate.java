package io.tapwire.schemas.compat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;

/**
 * Command line of the compatibility gate, run by the build after compiling the schemas:
 *
 * <pre>
 * SchemaGate check   &lt;released-dir&gt;            fail (exit 1) when a working schema breaks a released version
 * SchemaGate release &lt;released-dir&gt; &lt;topic&gt;    record the working schema of a topic as its next released version
 * </pre>
 *
 * Release a topic's schema in the change that lands its producer; from then on the gate guards it.
 */
public final class SchemaGate {

    private SchemaGate() {
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("check")) {
            System.exit(check(Path.of(args[1])));
        } else if (args.length == 3 && args[0].equals("release")) {
            System.exit(release(Path.of(args[1]), args[2]));
        } else {
            System.err.println("usage: SchemaGate check <released-dir> | SchemaGate release <released-dir> <topic>");
            System.exit(2);
        }
    }

    static int check(Path releasedDir) {
        Map<String, List<Schema>> released = new ReleasedSchemas(releasedDir).load();
        List<String> violations = CompatibilityGate.check(released, CompatibilityGate.workingSchemas());
        if (!violations.isEmpty()) {
            System.err.println("Schema compatibility gate FAILED against " + releasedDir + ":");
            violations.forEach(v -> System.err.println("  " + v));
            System.err.println("Raw topics must stay BACKWARD_TRANSITIVE, derived topics FULL_TRANSITIVE: add fields "
                    + "with defaults, never remove or retype a released field.");
            return 1;
        }
        long drafts = TapwireTopic.values().length - released.size();
        System.out.println("Schema compatibility gate: " + released.size() + " released subject(s) compatible, "
                + drafts + " draft(s) unchecked");
        return 0;
    }

    static int release(Path releasedDir, String topicName) {
        TapwireTopic topic = TapwireTopic.byName(topicName).orElse(null);
        if (topic == null) {
            System.err.println("unknown topic " + topicName);
            return 2;
        }
        ReleasedSchemas store = new ReleasedSchemas(releasedDir);
        List<Schema> versions = store.load().getOrDefault(topic.valueSubject(), List.of());
        if (!versions.isEmpty() && versions.get(versions.size() - 1).equals(topic.valueSchema())) {
            System.out.println(topic.valueSubject() + ": working schema is already released as version " + versions.size());
            return 0;
        }
        List<String> violations = CompatibilityGate.check(Map.of(topic.valueSubject(), versions),
                Map.of(topic.valueSubject(), topic.valueSchema()));
        if (!violations.isEmpty()) {
            violations.forEach(v -> System.err.println("  " + v));
            return 1;
        }
        System.out.println("Released " + store.release(topic.valueSubject(), topic.valueSchema()));
        return 0;
    }
}
