package io.tapwire.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the API finds the schema registry that holds the writers' schemas of the derived topics it reads (the same
 * setting as the topology's). Also as the environment variable {@code TAPWIRE_REGISTRY_URL}.
 */
@ConfigMapping(prefix = "tapwire.registry")
public interface RegistrySettings {

    /** Comma-separated base URLs of a Confluent-compatible registry, tried in turn. */
    @WithDefault("http://127.0.0.1:8081")
    String url();
}
