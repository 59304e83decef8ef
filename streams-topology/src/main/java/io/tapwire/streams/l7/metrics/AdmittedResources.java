package io.tapwire.streams.l7.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * The distinct resources (normalised statements, paths, commands) one service and protocol may have as labels: the
 * first {@link #capacity()} seen keep their name, every later one is reported as {@link #OTHER}. Normalisation folds
 * values, but an application that builds its SQL from data, or a REST API keyed by names, still has unbounded
 * resources; this cap keeps one such service from multiplying every series it is part of, while the resources it
 * has long used keep their own series.
 *
 * <p>First come, first admitted, and never forgotten: the answer depends only on the order of the calls, so a
 * restored state answers as the lost one would, and a resource never moves between its own name and {@code ~other}
 * (which would split its series). The price: resources that appear after the set is full stay in {@code ~other}
 * until the state is dropped.
 *
 * <p>This is one key's value in a Kafka Streams store (the store is the map from service and protocol to this;
 * see {@link io.tapwire.streams.l7.ResourceLabels}). Not thread-safe.
 */
public final class AdmittedResources {

    /** What a resource beyond the cap is reported as. */
    public static final String OTHER = "~other";
    /** Enough for the statements and routes of a real service; small enough that 100 × services series stay cheap. */
    public static final int DEFAULT_CAPACITY = 100;

    private static final int STATE_VERSION = 1;
    /** A count above this in a state is corruption, not configuration. */
    private static final int MAX_STORED = 1_000_000;

    private final int capacity;
    private final LinkedHashSet<String> admitted = new LinkedHashSet<>();

    public AdmittedResources() {
        this(DEFAULT_CAPACITY);
    }

    public AdmittedResources(int capacity) {
        this.capacity = checkCapacity(capacity);
    }

    static int checkCapacity(int capacity) {
        if (capacity < 0 || capacity > MAX_STORED) {
            throw new IllegalArgumentException("the number of distinct resources per service must be from 0 to "
                    + MAX_STORED + ", not " + capacity);
        }
        return capacity;
    }

    /**
     * {@code resource} when it was admitted before or there is room for it (it is then admitted), else
     * {@link #OTHER}. Null stays null (a request without a resource) and takes no room; {@code ~other} itself is
     * returned as it is and takes no room either.
     */
    public String admit(String resource) {
        if (resource == null || OTHER.equals(resource)) {
            return resource;
        }
        if (admitted.contains(resource)) {
            return resource;
        }
        if (admitted.size() < capacity) {
            admitted.add(resource);
            return resource;
        }
        return OTHER;
    }

    public boolean isAdmitted(String resource) {
        return admitted.contains(resource);
    }

    public int size() {
        return admitted.size();
    }

    public int capacity() {
        return capacity;
    }

    /** The admitted resources, in the order they were first seen. */
    public List<String> resources() {
        return List.copyOf(admitted);
    }

    public void writeState(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeInt(admitted.size());
        for (String resource : admitted) {
            StateIO.writeString(out, resource);
        }
    }

    /**
     * The state written by {@link #writeState}, with {@code capacity} from the present configuration: when it is
     * smaller than what was stored, the first-seen resources are kept and the rest go to {@code ~other} from now on.
     */
    public static AdmittedResources readState(DataInput in, int capacity) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("not an admitted resources state (version " + version + ", expected "
                    + STATE_VERSION + ")");
        }
        int size = in.readInt();
        if (size < 0 || size > MAX_STORED) {
            throw new IOException("corrupt admitted resources state: " + size + " resources");
        }
        AdmittedResources resources = new AdmittedResources(capacity);
        for (int i = 0; i < size; i++) {
            String resource = StateIO.readString(in);
            if (resource == null) {
                throw new IOException("corrupt admitted resources state: a null resource");
            }
            if (i < capacity) {
                resources.admitted.add(resource);
            }
        }
        return resources;
    }

    @Override
    public String toString() {
        return "AdmittedResources{" + admitted.size() + "/" + capacity + " " + admitted + "}";
    }
}
