package io.tapwire.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks {@value KafkaSettings#BOOTSTRAP_SERVERS} at start-up. Kafka's client would accept a malformed list and only
 * fail later, on the first request, with a message that does not name Tapwire's setting.
 */
public final class BootstrapServers {

    private BootstrapServers() {
    }

    /** The {@code host:port} entries of a comma-separated list; throws naming the setting when one is malformed. */
    public static List<String> parse(String value) {
        if (value == null || value.isBlank()) {
            throw invalid(value, "it is empty");
        }
        List<String> servers = new ArrayList<>();
        for (String entry : value.split(",")) {
            String server = entry.trim();
            int colon = server.lastIndexOf(':');
            if (colon < 1 || colon == server.length() - 1) {
                throw invalid(value, "'" + server + "' is not host:port");
            }
            String host = server.substring(0, colon);
            if (host.chars().anyMatch(Character::isWhitespace)) {
                throw invalid(value, "host '" + host + "' contains whitespace");
            }
            int port;
            try {
                port = Integer.parseInt(server.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalid(value, "port of '" + server + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw invalid(value, "port of '" + server + "' is outside 1-65535");
            }
            servers.add(server);
        }
        return List.copyOf(servers);
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException(KafkaSettings.BOOTSTRAP_SERVERS
                + " must be a comma-separated list of host:port, but " + why + " (was '" + value + "')");
    }
}
