package io.tapwire.api.read;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link String} instance per service id (and per protocol token) across all read models. Every record decoded
 * brings its own copies of the ids; kept as one instance, the maps a query builds (by service, by client and server)
 * find their keys by identity instead of comparing characters, and each id is held once in memory. Service ids are
 * few (one per workload, process or external address), protocol tokens fewer, so the table stays small.
 */
public final class ServiceNames {

    private static final ConcurrentHashMap<String, String> NAMES = new ConcurrentHashMap<>();

    private ServiceNames() {
    }

    public static String intern(String service) {
        if (service == null) {
            return null;
        }
        String known = NAMES.putIfAbsent(service, service);
        return known != null ? known : service;
    }
}
