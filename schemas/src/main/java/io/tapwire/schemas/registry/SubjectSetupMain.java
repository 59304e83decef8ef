package io.tapwire.schemas.registry;

import java.util.HashMap;
import java.util.Map;

import io.tapwire.schemas.compat.ReleasedSchemas;

/**
 * Prepares an external registry (Confluent Schema Registry, Apicurio's ccompat API, Karapace) for Tapwire:
 * {@code SubjectSetupMain <registry-url> [user:password]}. Sets every subject's compatibility level and registers
 * the released schema versions; idempotent.
 */
public final class SubjectSetupMain {

    private SubjectSetupMain() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: SubjectSetupMain <registry-url> [user:password]");
            System.exit(2);
        }
        Map<String, String> config = new HashMap<>();
        config.put(RegistryClientConfig.URL, args[0]);
        if (args.length == 2) {
            config.put(RegistryClientConfig.BASIC_AUTH_USER_INFO, args[1]);
        }
        try {
            int versions = SubjectSetup.apply(new RegistryClient(RegistryClientConfig.fromMap(config)),
                    ReleasedSchemas.fromClasspath());
            System.out.println("Registry " + args[0] + " ready for Tapwire: compatibility levels set, " + versions
                    + " released schema versions registered");
        } catch (RegistryException | IllegalArgumentException e) {
            System.err.println("tapwire: " + e.getMessage());
            System.exit(1);
        }
    }
}
