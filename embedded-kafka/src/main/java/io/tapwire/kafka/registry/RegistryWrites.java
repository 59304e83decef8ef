package io.tapwire.kafka.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules of every write, run on the leader under the {@link StoreWriter}'s lock against a store that holds every
 * earlier write: registration (idempotent, compatibility-checked, one id per distinct schema), soft and permanent
 * deletes (as Confluent's "Schema Deletion Guidelines" describe them) and compatibility configuration. Each method
 * either refuses with a 4xx, writing nothing, or returns the records to append and the answer.
 */
final class RegistryWrites {

    private final SchemaStore store;
    private final StoreWriter writer;

    RegistryWrites(SchemaStore store, StoreWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    /** Registers a schema under a subject and answers its id. */
    StoreWriter.Written<Integer> register(String subject, ParsedSchema schema) {
        return writer.write(() -> {
            var existing = store.find(subject, schema.canonical(), false);
            if (existing.isPresent()) {
                return new StoreWriter.Plan<>(List.of(), existing.get().id());
            }
            CompatibilityLevel level = store.effectiveLevel(subject);
            List<String> problems = CompatibilityChecker.check(level, schema.schema(), store.earlierSchemas(subject));
            if (!problems.isEmpty()) {
                throw RegistryErrors.incompatibleSchema(subject, problems);
            }
            // The same schema keeps its id in every subject; a new one gets the next id, never a reused one.
            int id = store.idOf(schema.canonical()).orElseGet(() -> store.maxId() + 1);
            String text = store.schema(id).map(ParsedSchema::canonical).orElse(schema.canonical());
            int version = store.maxVersion(subject) + 1;
            return new StoreWriter.Plan<>(
                    List.of(new StoreRecord.SchemaVersion(subject, version, id, text, false)), id);
        });
    }

    /** Deletes every version of a subject, softly or for good, and answers the versions deleted. */
    StoreWriter.Written<List<Integer>> deleteSubject(String subject, boolean permanent) {
        return writer.write(() -> {
            List<SchemaStore.Version> all = store.allVersions(subject);
            if (all.isEmpty()) {
                throw RegistryErrors.subjectNotFound(subject);
            }
            List<StoreRecord> records = new ArrayList<>();
            List<Integer> deleted = new ArrayList<>();
            if (permanent) {
                if (all.stream().anyMatch(v -> !v.deleted())) {
                    throw RegistryErrors.subjectNotSoftDeleted(subject);
                }
                records.add(new StoreRecord.IdHighWater(store.maxId()));
                for (SchemaStore.Version v : all) {
                    records.add(new StoreRecord.SchemaVersionRemoved(subject, v.version()));
                    deleted.add(v.version());
                }
            } else {
                List<SchemaStore.Version> live = all.stream().filter(v -> !v.deleted()).toList();
                if (live.isEmpty()) {
                    throw RegistryErrors.subjectSoftDeleted(subject);
                }
                for (SchemaStore.Version v : live) {
                    records.add(softDeleted(v));
                    deleted.add(v.version());
                }
                // "Deletes the specified subject and its associated compatibility level if registered."
                if (store.subjectLevel(subject).isPresent()) {
                    records.add(new StoreRecord.Config(subject, null));
                }
            }
            return new StoreWriter.Plan<>(records, deleted);
        });
    }

    /** Deletes one version of a subject, softly or for good, and answers its number. */
    StoreWriter.Written<Integer> deleteVersion(String subject, VersionId versionId, boolean permanent) {
        return writer.write(() -> {
            SchemaStore.Version version;
            if (permanent) {
                // A permanent delete addresses a version already soft-deleted, so look among all of them.
                version = store.version(subject, versionId, true);
                if (!version.deleted()) {
                    throw RegistryErrors.versionNotSoftDeleted(subject, version.version());
                }
                return new StoreWriter.Plan<>(List.of(new StoreRecord.IdHighWater(store.maxId()),
                        new StoreRecord.SchemaVersionRemoved(subject, version.version())), version.version());
            }
            if (!versionId.isLatest()) {
                SchemaStore.Version any = store.version(subject, versionId, true);
                if (any.deleted()) {
                    throw RegistryErrors.versionSoftDeleted(subject, any.version());
                }
            }
            version = store.version(subject, versionId, false);
            return new StoreWriter.Plan<>(List.of(softDeleted(version)), version.version());
        });
    }

    private StoreRecord softDeleted(SchemaStore.Version v) {
        String text = store.schema(v.id()).map(ParsedSchema::canonical)
                .orElseThrow(() -> RegistryErrors.schemaNotFound(v.id()));
        return new StoreRecord.SchemaVersion(v.subject(), v.version(), v.id(), text, true);
    }

    /** Sets the global level ({@code subject} null) or a subject's level, and answers it. */
    StoreWriter.Written<CompatibilityLevel> setLevel(String subject, CompatibilityLevel level) {
        return writer.write(() -> new StoreWriter.Plan<>(List.of(new StoreRecord.Config(subject, level)), level));
    }

    /**
     * Clears the global level (back to the default) or a subject's level (back to the global one) and answers the
     * level it had.
     */
    StoreWriter.Written<CompatibilityLevel> clearLevel(String subject) {
        return writer.write(() -> {
            CompatibilityLevel previous;
            if (subject == null) {
                previous = store.globalLevel();
            } else {
                previous = store.subjectLevel(subject).orElseThrow(() -> RegistryErrors.subjectNotFound(subject));
            }
            return new StoreWriter.Plan<>(List.of(new StoreRecord.Config(subject, null)), previous);
        });
    }
}
