package io.tapwire.collector.produce;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of record keys, remembered for the key strings seen last. The mappers hand over the same String
 * for every record of one connection (NodeKeys keeps them), so its bytes are encoded once, not once per record as
 * Kafka's StringSerializer would. The bytes are the same either way. Safe for the several threads that produce:
 * each slot holds one immutable entry, read once.
 */
final class KeyBytes {

    private static final int SLOT_BITS = 10;

    private record Entry(String key, byte[] bytes) {
    }

    private final Entry[] slots = new Entry[1 << SLOT_BITS];

    /** The key's UTF-8 bytes (null for no key); the caller must not change them. */
    byte[] of(String key) {
        if (key == null) {
            return null;
        }
        int hash = key.hashCode();
        int slot = (hash ^ (hash >>> SLOT_BITS)) & (slots.length - 1);
        Entry entry = slots[slot];
        if (entry != null && entry.key() == key) {
            return entry.bytes();
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        slots[slot] = new Entry(key, bytes);
        return bytes;
    }
}
