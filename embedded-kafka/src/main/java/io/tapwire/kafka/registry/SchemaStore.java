package io.tapwire.kafka.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state in memory: what the store topic says, applied record by record in offset order by
 * {@link StoreLog}'s reader thread and read by the HTTP threads. Nothing writes here except the topic, so every
 * instance that has read the same offset holds the same state.
 *
 * <p>Reads return copies: callers may keep them while the reader applies newer records.
 */
final class SchemaStore {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);

    /** One version of a subject. */
    record Version(String subject, int version, int id, boolean deleted) {
    }

    private final CompatibilityLevel defaultLevel;
    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<Integer, ParsedSchema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;
    private StoreRecord.Leader leader;

    SchemaStore(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    synchronized void apply(StoreRecord record) {
        if (record instanceof StoreRecord.SchemaVersion v) {
            applyVersion(v);
        } else if (record instanceof StoreRecord.SchemaVersionRemoved r) {
            applyRemoval(r);
        } else if (record instanceof StoreRecord.Config c) {
            if (c.subject() == null) {
                globalLevel = c.level();
            } else if (c.level() == null) {
                subjectLevels.remove(c.subject());
            } else {
                subjectLevels.put(c.subject(), c.level());
            }
        } else if (record instanceof StoreRecord.Leader l) {
            leader = l;
        } else if (record instanceof StoreRecord.IdHighWater h) {
            maxId = Math.max(maxId, h.id());
        }
    }

    private void applyVersion(StoreRecord.SchemaVersion v) {
        ParsedSchema known = schemasById.get(v.id());
        if (known == null) {
            ParsedSchema parsed;
            try {
                parsed = ParsedSchema.fromStore(v.schema());
            } catch (RuntimeException e) {
                // Only a foreign writer could put an invalid schema here; skipping it keeps the registry serving.
                LOG.warn("Skipping version {} of subject '{}': schema id {} does not parse as Avro: {}",
                        v.version(), v.subject(), v.id(), e.getMessage());
                return;
            }
            schemasById.put(v.id(), parsed);
            idsByCanonical.putIfAbsent(parsed.canonical(), v.id());
        }
        subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>())
                .put(v.version(), new Version(v.subject(), v.version(), v.id(), v.deleted()));
        maxId = Math.max(maxId, v.id());
    }

    private void applyRemoval(StoreRecord.SchemaVersionRemoved r) {
        NavigableMap<Integer, Version> versions = subjects.get(r.subject());
        if (versions == null) {
            return;
        }
        Version removed = versions.remove(r.version());
        if (versions.isEmpty()) {
            subjects.remove(r.subject());
        }
        if (removed != null && !isReferenced(removed.id())) {
            ParsedSchema schema = schemasById.remove(removed.id());
            if (schema != null) {
                idsByCanonical.remove(schema.canonical(), removed.id());
            }
        }
    }

    private boolean isReferenced(int id) {
        return subjects.values().stream().flatMap(m -> m.values().stream()).anyMatch(v -> v.id() == id);
    }

    /** Subjects with at least one live version, or with any version when {@code includeDeleted}; sorted. */
    synchronized List<String> subjects(boolean includeDeleted) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
                names.add(name);
            }
        });
        return names;
    }

    /** Every version of the subject, soft-deleted ones included, oldest first; empty when the subject is unknown. */
    synchronized List<Version> allVersions(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }

    /** The subject's live versions, oldest first; empty when it has none. */
    synchronized List<Version> liveVersions(String subject) {
        return allVersions(subject).stream().filter(v -> !v.deleted()).toList();
    }

    /** The subject's live versions with their schemas, oldest first, as the compatibility checker wants them. */
    synchronized List<CompatibilityChecker.Earlier> earlierSchemas(String subject) {
        List<CompatibilityChecker.Earlier> earlier = new ArrayList<>();
        for (Version v : liveVersions(subject)) {
            ParsedSchema schema = schemasById.get(v.id());
            if (schema != null) {
                earlier.add(new CompatibilityChecker.Earlier(v.version(), schema.schema()));
            }
        }
        return earlier;
    }

    /**
     * One version of a subject.
     *
     * @throws RegistryException 40401 when the subject has no (live) version, 40402 when this version is not there
     */
    synchronized Version version(String subject, VersionId id, boolean includeDeleted) {
        List<Version> candidates = includeDeleted ? allVersions(subject) : liveVersions(subject);
        if (candidates.isEmpty()) {
            throw RegistryErrors.subjectNotFound(subject);
        }
        if (id.isLatest()) {
            return candidates.get(candidates.size() - 1);
        }
        return candidates.stream().filter(v -> v.version() == id.number()).findFirst()
                .orElseThrow(() -> RegistryErrors.versionNotFound(subject, id.number()));
    }

    synchronized Optional<ParsedSchema> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    synchronized Optional<Integer> idOf(String canonical) {
        return Optional.ofNullable(idsByCanonical.get(canonical));
    }

    /** The subject-version pairs that are schema {@code id}, live ones only unless {@code includeDeleted}. */
    synchronized List<Version> versionsOf(int id, boolean includeDeleted) {
        List<Version> pairs = new ArrayList<>();
        subjects.values().forEach(versions -> versions.values().stream()
                .filter(v -> v.id() == id && (includeDeleted || !v.deleted()))
                .forEach(pairs::add));
        return pairs;
    }

    /** The version of the subject whose schema has this canonical text, if any. */
    synchronized Optional<Version> find(String subject, String canonical, boolean includeDeleted) {
        Integer id = idsByCanonical.get(canonical);
        if (id == null) {
            return Optional.empty();
        }
        return (includeDeleted ? allVersions(subject) : liveVersions(subject)).stream()
                .filter(v -> v.id() == id)
                .reduce((first, second) -> second);
    }

    /** The highest schema id ever seen; the next new schema gets this plus one. */
    synchronized int maxId() {
        return maxId;
    }

    /** The highest version the subject ever had, soft-deleted ones included, or 0. */
    synchronized int maxVersion(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel == null ? defaultLevel : globalLevel;
    }

    /** The level that governs the subject: its own, else the global one (API reference, "Config"). */
    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }

    synchronized Optional<StoreRecord.Leader> leader() {
        return Optional.ofNullable(leader);
    }
}
