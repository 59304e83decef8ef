package io.tapwire.api.read;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client → server pair of service ids, one instance per pair across all read models, numbered densely in the order
 * the pairs were first seen. The keys that name a pair (L7 sums per edge, TCP series, edges of the service graph) hold
 * it, so a query gathering figures per pair finds a pair's slot in an array by its number instead of hashing ids in a
 * map of tens of thousands of pairs. Pairs are as few as the edges of the service graph; the table keeps every pair
 * seen since the start, as {@link ServiceNames} keeps every id.
 */
public final class ServicePair {

    private static final ConcurrentHashMap<String, ConcurrentHashMap<String, ServicePair>> BY_CLIENT =
            new ConcurrentHashMap<>();
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final String client;
    private final String server;
    private final int id;

    private ServicePair(String client, String server, int id) {
        this.client = client;
        this.server = server;
        this.id = id;
    }

    /** The pair of these ids (interned as {@link ServiceNames} interns them). */
    public static ServicePair of(String client, String server) {
        ConcurrentHashMap<String, ServicePair> byServer = BY_CLIENT.get(client);
        if (byServer == null) {
            byServer = BY_CLIENT.computeIfAbsent(ServiceNames.intern(client), c -> new ConcurrentHashMap<>());
        }
        ServicePair pair = byServer.get(server);
        if (pair == null) {
            String clientId = ServiceNames.intern(client);
            pair = byServer.computeIfAbsent(ServiceNames.intern(server),
                    s -> new ServicePair(clientId, s, COUNT.getAndIncrement()));
        }
        return pair;
    }

    /** How many pairs have been numbered so far: every {@link #id()} is below it. */
    public static int count() {
        return COUNT.get();
    }

    public String client() {
        return client;
    }

    public String server() {
        return server;
    }

    /** The pair's number, from 0. */
    public int id() {
        return id;
    }

    /** One instance per pair: identity is equality. */
    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return client + " -> " + server;
    }
}
