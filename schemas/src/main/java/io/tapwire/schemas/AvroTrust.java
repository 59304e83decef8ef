package io.tapwire.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.2 refuses to instantiate classes it does not trust ({@code SecurityException: ... is not trusted}),
 * and Tapwire's generated records are not on its default list. This is the one place that trusts them, and
 * {@link AvroTrustInstaller} calls it in every JVM as soon as Avro parses its first schema (before any generated
 * class can be built or read), so no JVM — collector, topology, API or test — needs a system property for it.
 * Only Tapwire's own packages are added; everything Avro refused before stays refused.
 */
public final class AvroTrust {

    /** Package of every generated Tapwire record ({@code io.tapwire.schemas.raw}, {@code .derived}). */
    public static final String TRUSTED_PACKAGE = "io.tapwire.schemas.";

    private static volatile boolean installed;

    private AvroTrust() {
    }

    /** Adds Tapwire's schema packages to Avro's global trust, keeping whatever was trusted before. Idempotent. */
    public static void install() {
        if (installed) {
            return;
        }
        synchronized (AvroTrust.class) {
            if (installed) {
                return;
            }
            ClassSecurityValidator.ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(before,
                    type -> type.getName().startsWith(TRUSTED_PACKAGE)));
            installed = true;
        }
    }
}
