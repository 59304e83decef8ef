package io.tapwire.streams.store;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A store that only indexes what another store of the same processor holds (the current process of each pid, the
 * deadlines a state records), so it needs no changelog: it is kept in memory, and its processor fills it again from
 * the indexed store at every task start. An entry costs no record in Kafka. The processor checks what it finds here
 * against the indexed store before acting on it.
 */
public final class RebuiltIndex {

    private RebuiltIndex() {
    }

    public static StoreBuilder<KeyValueStore<String, String>> builder(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String())
                .withLoggingDisabled();
    }
}
