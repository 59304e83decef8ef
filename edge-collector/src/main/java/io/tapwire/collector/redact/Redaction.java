package io.tapwire.collector.redact;

/**
 * One protocol's credential rule. A rule masks in place through {@link CapturedPayload#mask}, never changes a length,
 * and never throws on bytes that do not follow its protocol: it masks what it recognised and stops walking.
 */
interface Redaction {

    void redact(CapturedPayload payload);
}
