package io.tapwire.streams.l7;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.l7.metrics.AdmittedResources;
import io.tapwire.streams.l7.normalize.PathNormalizer;
import io.tapwire.streams.l7.normalize.StatementNormalizer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The resource of a request (path, statement, key, name) as a low-cardinality label: normalised by its protocol —
 * SQL literals become {@code ?} ({@link StatementNormalizer}), ids in HTTP paths {@code {id}} ({@link PathNormalizer})
 * — then capped per server service and protocol: the first {@code resourcesPerService} distinct labels keep their
 * name, later ones become {@link AdmittedResources#OTHER} ({@code ~other}).
 *
 * <p>The admitted sets live in a changelogged store, so a restart or a replay admits the same labels in the same
 * order; a bounded cache in memory only saves reads. The cap holds per task: requests are partitioned by connection,
 * so a service's resources are admitted per partition, and a service sees at most partitions × the cap distinct labels.
 */
public final class ResourceLabels {

    public static final String STORE = "l7-resource-labels";
    /** Admitted sets kept decoded in memory; beyond this the least recently used is read again from the store. */
    static final int CACHED_KEYS = 10_000;

    private final int resourcesPerService;

    public ResourceLabels(int resourcesPerService) {
        this.resourcesPerService = resourcesPerService;
    }

    public int resourcesPerService() {
        return resourcesPerService;
    }

    void addStore(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()));
    }

    String storeName() {
        return STORE;
    }

    Labeller labeller(KeyValueStore<String, byte[]> store) {
        return new Labeller(store);
    }

    /** The protocol's normal form of a resource; resources of other protocols are kept as they are. */
    static String normalize(String protocol, String resource) {
        if (resource == null) {
            return null;
        }
        return switch (protocol) {
            case "postgres" -> StatementNormalizer.POSTGRES.normalize(resource);
            case "mysql" -> StatementNormalizer.MYSQL.normalize(resource);
            case "http" -> PathNormalizer.DEFAULT.normalize(resource);
            default -> resource;
        };
    }

    /** One processor's view of the admitted sets. Not thread-safe. */
    final class Labeller {
        private final KeyValueStore<String, byte[]> store;
        private final Map<String, AdmittedResources> cache = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, AdmittedResources> eldest) {
                return size() > CACHED_KEYS;
            }
        };

        private Labeller(KeyValueStore<String, byte[]> store) {
            this.store = store;
        }

        String label(String serverService, String protocol, String resource) {
            String normal = normalize(protocol, resource);
            if (normal == null) {
                return null;
            }
            String key = InternalKeys.join(serverService, protocol);
            AdmittedResources admitted = cache.get(key);
            if (admitted == null) {
                admitted = read(store.get(key));
                cache.put(key, admitted);
            }
            int before = admitted.size();
            String label = admitted.admit(normal);
            if (admitted.size() != before) {
                store.put(key, write(admitted));
            }
            return label;
        }

        private AdmittedResources read(byte[] stored) {
            if (stored == null) {
                return new AdmittedResources(resourcesPerService);
            }
            try {
                return AdmittedResources.readState(new DataInputStream(new ByteArrayInputStream(stored)),
                        resourcesPerService);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable admitted resources in store " + STORE, e);
            }
        }

        private static byte[] write(AdmittedResources admitted) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                admitted.writeState(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
