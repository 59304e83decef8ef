package io.tapwire.collector.l7;

/**
 * The protocol the kernel classifier recognised on a connection (its protocol hint). The ids are the values of
 * TAPWIRE_L7_PROTO_* in tapwire_events.h and the order of the Avro enum's symbols.
 */
public enum L7Protocol {
    UNKNOWN(0),
    HTTP1(1),
    POSTGRES(2),
    MYSQL(3),
    REDIS(4),
    MEMCACHED(5),
    DNS(6);

    private static final L7Protocol[] BY_ID = values();

    private final int id;

    L7Protocol(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The protocol of a kernel id; ids this build does not know are UNKNOWN. */
    public static L7Protocol ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : UNKNOWN;
    }
}
