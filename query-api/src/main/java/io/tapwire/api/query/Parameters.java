package io.tapwire.api.query;

import java.util.List;
import java.util.function.Predicate;

import io.tapwire.api.BadParameterException;

/** Checks of the filter parameters the endpoints share; each bad value is a {@link BadParameterException}. */
public final class Parameters {

    private Parameters() {
    }

    /** The value, or null when absent; an empty value is refused (leaving the parameter out matches everything). */
    public static String optional(String parameter, String value) {
        if (value != null && value.isBlank()) {
            throw new BadParameterException(parameter, parameter + " is empty; leave it out to match everything");
        }
        return value;
    }

    /** An optional service id that some read model must know (a typo would otherwise answer an empty result). */
    public static String knownService(String parameter, String value, Predicate<String> known) {
        String service = optional(parameter, value);
        if (service != null && !known.test(service)) {
            throw new BadParameterException(parameter, parameter + " names an unknown service '" + service
                    + "'; GET /api/v1/services lists them");
        }
        return service;
    }

    /** An optional value out of a fixed list. */
    public static String oneOf(String parameter, String value, List<String> allowed) {
        String given = optional(parameter, value);
        if (given != null && !allowed.contains(given)) {
            throw new BadParameterException(parameter, parameter + " must be one of " + String.join(", ", allowed)
                    + ", was '" + given + "'");
        }
        return given;
    }

    /** The {@code limit} parameter: a whole number from 1 to {@code max}; {@code byDefault} when absent. */
    public static int limit(String value, int byDefault, int max) {
        if (value == null) {
            return byDefault;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException("limit", "limit must be a whole number from 1 to " + max + ", was '"
                    + value + "'");
        }
        if (limit < 1 || limit > max) {
            throw new BadParameterException("limit", "limit must be from 1 to " + max + ", was " + limit);
        }
        return limit;
    }
}
