package io.tapwire.kafka.registry;

/**
 * A version as the API names it in a path: a number in [1, 2^31-1], or {@code latest} (also spelled {@code -1}, as
 * Confluent accepts) for the subject's newest live version.
 */
record VersionId(int number) {

    static final VersionId LATEST = new VersionId(-1);

    /** @throws RegistryException 42202 when the text is no version */
    static VersionId parse(String text) {
        if ("latest".equals(text) || "-1".equals(text)) {
            return LATEST;
        }
        try {
            int number = Integer.parseInt(text);
            if (number >= 1) {
                return new VersionId(number);
            }
        } catch (NumberFormatException e) {
            // falls through to the API's error
        }
        throw RegistryErrors.invalidVersion(text);
    }

    boolean isLatest() {
        return number == -1;
    }
}
