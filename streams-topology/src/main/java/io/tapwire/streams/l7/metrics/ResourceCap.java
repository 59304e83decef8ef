package io.tapwire.streams.l7.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * {@link AdmittedResources} for many keys (a service and protocol each) in one processor's memory, for a caller that
 * does not keep one store entry per key. The keys are bounded too: beyond {@link #maxKeys()} the least recently used
 * key is forgotten, and when it comes back it starts over with an empty set, so its resources are admitted again in
 * their new order of arrival. Who is forgotten depends only on the order of the calls, and the written state keeps that
 * order, so a restored cap answers and forgets as the lost one would.
 *
 * <p>Memory is bounded by keys × resources per key × resource length, which the normalisers cap: at the defaults,
 * 10,000 × 100 × up to 1,024 characters in the worst case, far less for real services whose resources are short and
 * few.
 *
 * @param <K> the key: anything with equals and hashCode, written and read by the caller's {@link StateIO.Writer}
 */
public final class ResourceCap<K> {

    /** More services × protocols than a cluster Tapwire watches has, so that only leaks are evicted. */
    public static final int DEFAULT_MAX_KEYS = 10_000;

    private static final int STATE_VERSION = 1;

    private final int resourcesPerKey;
    private final int maxKeys;
    private final LinkedHashMap<K, AdmittedResources> keys;

    public ResourceCap() {
        this(AdmittedResources.DEFAULT_CAPACITY, DEFAULT_MAX_KEYS);
    }

    public ResourceCap(int resourcesPerKey, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("the number of keys whose resources are capped must be at least 1, not "
                    + maxKeys);
        }
        this.resourcesPerKey = AdmittedResources.checkCapacity(resourcesPerKey);
        this.maxKeys = maxKeys;
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, AdmittedResources> eldest) {
                return size() > ResourceCap.this.maxKeys;
            }
        };
    }

    /** {@code resource} as {@code key} may report it: see {@link AdmittedResources#admit}. */
    public String admit(K key, String resource) {
        Objects.requireNonNull(key, "key");
        if (resource == null) {
            return null;
        }
        AdmittedResources admitted = keys.get(key);
        if (admitted == null) {
            admitted = new AdmittedResources(resourcesPerKey);
            keys.put(key, admitted);
        }
        return admitted.admit(resource);
    }

    /** The number of keys remembered. */
    public int size() {
        return keys.size();
    }

    public int resourcesPerKey() {
        return resourcesPerKey;
    }

    public int maxKeys() {
        return maxKeys;
    }

    /** Whether {@code key} is remembered; does not count as a use. */
    public boolean contains(K key) {
        return keys.containsKey(key);
    }

    /** Writes the keys from the least to the most recently used, so that reading them back restores that order. */
    public void writeState(DataOutput out, StateIO.Writer<? super K> keyWriter) throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeInt(keys.size());
        for (Map.Entry<K, AdmittedResources> entry : keys.entrySet()) {
            keyWriter.write(out, entry.getKey());
            entry.getValue().writeState(out);
        }
    }

    /**
     * The state written by {@link #writeState}, with the present configuration: beyond {@code maxKeys} the least
     * recently used keys are forgotten, beyond {@code resourcesPerKey} the last admitted resources.
     */
    public static <K> ResourceCap<K> readState(DataInput in, StateIO.Reader<? extends K> keyReader,
            int resourcesPerKey, int maxKeys) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("not a resource cap state (version " + version + ", expected " + STATE_VERSION
                    + ")");
        }
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("corrupt resource cap state: " + size + " keys");
        }
        ResourceCap<K> cap = new ResourceCap<>(resourcesPerKey, maxKeys);
        for (int i = 0; i < size; i++) {
            K key = keyReader.read(in);
            if (key == null) {
                throw new IOException("corrupt resource cap state: a null key");
            }
            cap.keys.put(key, AdmittedResources.readState(in, resourcesPerKey));
        }
        return cap;
    }
}
