package io.tapwire.kafka.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Confluent's compatibility levels. "Backward" means the new schema can read data written with the old one, so
 * consumers upgrade first; "forward" means the old schema can read data written with the new one, so producers
 * upgrade first. A transitive level checks every earlier version, the others only the latest one.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /** The new schema, as reader, must read data written with earlier schemas. */
    boolean newReadsOld() {
        return newReadsOld;
    }

    /** Earlier schemas, as readers, must read data written with the new schema. */
    boolean oldReadsNew() {
        return oldReadsNew;
    }

    boolean transitive() {
        return transitive;
    }

    /** Parses a level case-insensitively, as Confluent does; empty when the name is no level. */
    static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String validNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
