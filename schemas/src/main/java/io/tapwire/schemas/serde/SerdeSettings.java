package io.tapwire.schemas.serde;

import java.util.Map;

import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;

/** Settings shared by the serializer and deserializer, and one registry client per registry configuration. */
final class SerdeSettings {

    /** Confluent's name: register a schema the registry does not know yet (default true). */
    static final String AUTO_REGISTER = "auto.register.schemas";

    private static final Map<RegistryClientConfig, RegistryClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    private SerdeSettings() {
    }

    /** All serdes of one JVM that point at the same registry share one client, and so its caches. */
    static RegistryClient client(Map<String, ?> configs) {
        return CLIENTS.computeIfAbsent(RegistryClientConfig.fromMap(configs), RegistryClient::new);
    }

    static boolean autoRegister(Map<String, ?> configs) {
        Object value = configs.get(AUTO_REGISTER);
        return value == null || Boolean.parseBoolean(value.toString());
    }

    static void requireValue(boolean isKey, Class<?> type) {
        if (isKey) {
            throw new IllegalArgumentException("Tapwire keys are plain strings, never Avro: use the Avro serde of "
                    + type.getSimpleName() + " for record values only");
        }
    }
}
