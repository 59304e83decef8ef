package io.tapwire.api.exposition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.tapwire.api.Protocol;

/**
 * The {@code status} label of a request counter, as Coroot's agent sets it (PROTOCOLS.md, "Status labels"): HTTP by
 * class ({@code 1xx} … {@code 5xx}), DNS by RCODE name, the other protocols {@code ok}, {@code failed} or
 * {@code unknown}.
 */
public final class StatusLabels {

    private static final Set<String> OK_FAILED = Set.of("ok", "failed", "unknown");
    private static final Set<String> DNS = Set.of("ok", "format_error", "servfail", "nxdomain", "not_implemented",
            "refused");

    private StatusLabels() {
    }

    /**
     * The requests of one series by status label. A status the rule does not know (a SQLSTATE, say, from a newer
     * topology) is not guessed at: its errors count as {@code failed}, the rest as {@code unknown}.
     */
    public static Map<String, Long> split(Protocol protocol, String status, long requests, long errors) {
        String label = switch (protocol.statusRule()) {
            case HTTP -> httpClass(status);
            case DNS -> DNS.contains(status) ? status : null;
            case OK_FAILED -> OK_FAILED.contains(status) ? status : null;
        };
        Map<String, Long> byLabel = new LinkedHashMap<>();
        if (label != null) {
            byLabel.put(label, requests);
        } else {
            long failed = Math.min(Math.max(errors, 0), requests);
            byLabel.put("failed", failed);
            byLabel.put("unknown", requests - failed);
        }
        byLabel.values().removeIf(count -> count == 0);
        return byLabel;
    }

    /** "204" → "2xx"; what is not an HTTP status code (a response never seen) is "unknown", as Coroot's agent has it. */
    private static String httpClass(String status) {
        if (status.length() == 3 && status.chars().allMatch(Character::isDigit)) {
            char c = status.charAt(0);
            if (c >= '1' && c <= '5') {
                return c + "xx";
            }
        }
        return "unknown";
    }
}
