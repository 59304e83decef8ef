package io.tapwire.kafka.registry;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bytes of the store topic: UTF-8 JSON keys and values, in the spirit of Confluent's {@code _schemas} topic.
 *
 * <table>
 *   <caption>Record kinds</caption>
 *   <tr><th>key</th><th>value</th><th>meaning</th></tr>
 *   <tr><td>{@code {"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1}}</td>
 *       <td>{@code {"subject":"orders-value","version":2,"id":7,"schema":"...","deleted":false}}</td>
 *       <td>version 2 of the subject is schema id 7 (canonical Avro text); {@code deleted} marks a soft delete.
 *       A null value (tombstone) removes the version for good.</td></tr>
 *   <tr><td>{@code {"keytype":"CONFIG","subject":"orders-value","magic":0}}</td>
 *       <td>{@code {"compatibilityLevel":"FULL"}}</td>
 *       <td>the subject's level; {@code "subject":null} is the global level; a tombstone clears it.</td></tr>
 *   <tr><td>{@code {"keytype":"LEADER","magic":0}}</td>
 *       <td>{@code {"url":"http://127.0.0.1:8081","instance":"<uuid>"}}</td>
 *       <td>the current leader, written when it takes over.</td></tr>
 *   <tr><td>{@code {"keytype":"ID_HIGH_WATER","magic":0}}</td>
 *       <td>{@code {"id":12}}</td>
 *       <td>the highest id ever assigned, written before a permanent delete.</td></tr>
 * </table>
 *
 * <p>Keys are written with a fixed field order, because compaction keeps the last record per key <em>byte
 * sequence</em>. Schema records carry their id and schema text in every version, so a reader needs no other record
 * to serve {@code /schemas/ids/{id}}. Readers skip key types they do not know, so a newer writer can add kinds.
 * The topic has one partition (a total order of facts) and is compacted (the latest fact per key is all that
 * matters).
 */
final class StoreRecordCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreRecordCodec() {
    }

    static byte[] key(StoreRecord record) {
        ObjectNode key = JSON.createObjectNode();
        if (record instanceof StoreRecord.SchemaVersion v) {
            schemaKey(key, v.subject(), v.version());
        } else if (record instanceof StoreRecord.SchemaVersionRemoved r) {
            schemaKey(key, r.subject(), r.version());
        } else if (record instanceof StoreRecord.Config c) {
            key.put("keytype", "CONFIG");
            key.put("subject", c.subject());
            key.put("magic", 0);
        } else if (record instanceof StoreRecord.Leader) {
            key.put("keytype", "LEADER");
            key.put("magic", 0);
        } else if (record instanceof StoreRecord.IdHighWater) {
            key.put("keytype", "ID_HIGH_WATER");
            key.put("magic", 0);
        } else {
            throw new IllegalArgumentException("unknown store record " + record);
        }
        return bytes(key);
    }

    private static void schemaKey(ObjectNode key, String subject, int version) {
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
    }

    /** The value bytes, or null for a tombstone. */
    static byte[] value(StoreRecord record) {
        ObjectNode value = JSON.createObjectNode();
        if (record instanceof StoreRecord.SchemaVersion v) {
            value.put("subject", v.subject());
            value.put("version", v.version());
            value.put("id", v.id());
            value.put("schema", v.schema());
            value.put("deleted", v.deleted());
        } else if (record instanceof StoreRecord.SchemaVersionRemoved) {
            return null;
        } else if (record instanceof StoreRecord.Config c) {
            if (c.level() == null) {
                return null;
            }
            value.put("compatibilityLevel", c.level().name());
        } else if (record instanceof StoreRecord.Leader l) {
            value.put("url", l.url());
            value.put("instance", l.instanceId());
        } else if (record instanceof StoreRecord.IdHighWater h) {
            value.put("id", h.id());
        } else {
            throw new IllegalArgumentException("unknown store record " + record);
        }
        return bytes(value);
    }

    /**
     * Decodes one record; empty for a key type this version does not know.
     *
     * @throws IllegalArgumentException when the bytes are not a record of a known kind
     */
    static Optional<StoreRecord> decode(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = parse(keyBytes, "key");
        JsonNode value = valueBytes == null ? null : parse(valueBytes, "value");
        String keytype = key.path("keytype").asText("");
        switch (keytype) {
            case "SCHEMA": {
                String subject = requiredText(key, "subject");
                int version = requiredInt(key, "version");
                if (value == null) {
                    return Optional.of(new StoreRecord.SchemaVersionRemoved(subject, version));
                }
                return Optional.of(new StoreRecord.SchemaVersion(subject, version, requiredInt(value, "id"),
                        requiredText(value, "schema"), value.path("deleted").asBoolean(false)));
            }
            case "CONFIG": {
                JsonNode subjectNode = key.get("subject");
                String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
                if (value == null) {
                    return Optional.of(new StoreRecord.Config(subject, null));
                }
                String levelName = requiredText(value, "compatibilityLevel");
                CompatibilityLevel level = CompatibilityLevel.parse(levelName).orElseThrow(
                        () -> new IllegalArgumentException("unknown compatibility level " + levelName));
                return Optional.of(new StoreRecord.Config(subject, level));
            }
            case "LEADER":
                return value == null ? Optional.empty()
                        : Optional.of(new StoreRecord.Leader(requiredText(value, "url"), value.path("instance").asText("")));
            case "ID_HIGH_WATER":
                return value == null ? Optional.empty()
                        : Optional.of(new StoreRecord.IdHighWater(requiredInt(value, "id")));
            default:
                return Optional.empty();
        }
    }

    private static JsonNode parse(byte[] bytes, String what) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing text field '" + field + "' in " + node);
        }
        return v.asText();
    }

    private static int requiredInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("missing integer field '" + field + "' in " + node);
        }
        return v.asInt();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + node, e);
        }
    }
}
