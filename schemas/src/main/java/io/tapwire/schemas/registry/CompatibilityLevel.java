package io.tapwire.schemas.registry;

/** Confluent's compatibility levels. */
public enum CompatibilityLevel {
    BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE
}
