package io.tapwire.api.graph;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.tapwire.api.read.ServiceNames;
import io.tapwire.schemas.derived.ListenerInfo;

/**
 * Who listens where now: the read model of the compacted {@code tapwire.listeners.v1}, TCP listeners only, by key; a
 * tombstone (the listener closed) removes its key. Wildcard listens are there once per address of their namespace, as
 * the topology expanded them. One thread writes; readers copy under the same lock.
 */
public final class ListenerStore {

    private record Listener(String service, String address) {
    }

    private final Map<String, Listener> byKey = new HashMap<>();

    public synchronized void put(String key, ListenerInfo info) {
        if (!"tcp".equals(info.getTransport()) || info.getService().isEmpty()) {
            byKey.remove(key);
            return;
        }
        byKey.put(key, new Listener(ServiceNames.intern(info.getService()), info.getAddress()));
    }

    public synchronized void remove(String key) {
        byKey.remove(key);
    }

    /** The addresses each service listens on, by service. */
    public synchronized SortedMap<String, SortedSet<String>> addressesByService() {
        SortedMap<String, SortedSet<String>> addresses = new TreeMap<>();
        byKey.values().forEach(l -> addresses.computeIfAbsent(l.service(), s -> new TreeSet<>()).add(l.address()));
        return addresses;
    }
}
