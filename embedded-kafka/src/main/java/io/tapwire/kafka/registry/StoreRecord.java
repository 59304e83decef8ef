package io.tapwire.kafka.registry;

/**
 * One fact in the store topic. The topic is the registry's only state: replaying these records in order rebuilds
 * every instance's {@link SchemaStore}. The bytes are described in {@link StoreRecordCodec}.
 */
sealed interface StoreRecord {

    /** A version of a subject: which schema id it is, and whether it was soft-deleted. */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) implements StoreRecord {
        SchemaVersion softDeleted() {
            return new SchemaVersion(subject, version, id, schema, true);
        }
    }

    /** A version removed for good ({@code ?permanent=true}); written as a tombstone so compaction drops it. */
    record SchemaVersionRemoved(String subject, int version) implements StoreRecord {
    }

    /** The compatibility level of one subject, or the global one when {@code subject} is null; a null level clears it. */
    record Config(String subject, CompatibilityLevel level) implements StoreRecord {
    }

    /**
     * A new leader announces itself: followers forward writes to {@code url}. The leader also waits to read this
     * record back before assigning ids, which proves it has read everything the previous leader committed.
     */
    record Leader(String url, String instanceId) implements StoreRecord {
    }

    /**
     * The highest schema id ever assigned, written before versions are removed for good: once compaction has dropped
     * their records, this is what keeps their ids from being handed out again.
     */
    record IdHighWater(int id) implements StoreRecord {
    }
}
