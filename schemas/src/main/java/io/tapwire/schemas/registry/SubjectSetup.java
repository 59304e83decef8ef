package io.tapwire.schemas.registry;

import java.util.List;
import java.util.Map;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the topic contracts to a registry: every topic's subject gets the compatibility level DESIGN.md gives it
 * (raw BACKWARD_TRANSITIVE, derived FULL_TRANSITIVE), and every released version is registered in order, so the
 * registry holds the history a replay will meet. Idempotent: registering a known version changes nothing.
 */
public final class SubjectSetup {

    private static final Logger LOG = LoggerFactory.getLogger(SubjectSetup.class);

    private SubjectSetup() {
    }

    public static CompatibilityLevel levelOf(TapwireTopic topic) {
        return topic.kind() == TapwireTopic.Kind.RAW ? CompatibilityLevel.BACKWARD_TRANSITIVE : CompatibilityLevel.FULL_TRANSITIVE;
    }

    /** Returns the number of released versions registered (or found already registered). */
    public static int apply(RegistryClient registry, Map<String, List<Schema>> released) {
        int registered = 0;
        for (TapwireTopic topic : TapwireTopic.values()) {
            registry.setSubjectCompatibility(topic.valueSubject(), levelOf(topic));
            for (Schema version : released.getOrDefault(topic.valueSubject(), List.of())) {
                registry.register(topic.valueSubject(), version);
                registered++;
            }
        }
        LOG.info("Registry subjects set up: {} compatibility levels, {} released schema versions", TapwireTopic.values().length,
                registered);
        return registered;
    }
}
