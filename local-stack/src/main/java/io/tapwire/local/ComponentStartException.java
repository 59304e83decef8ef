package io.tapwire.local;

import java.util.function.Supplier;

/** A component of the stack (the topology, the collector) could not start: the message says which and why. */
final class ComponentStartException extends RuntimeException {

    ComponentStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Starts a component; any failure becomes one message naming it. */
    static <T> T wrap(String component, Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            throw new ComponentStartException(component + " could not start: " + e.getMessage()
                    + (component.equals("the collector") ? " (the collector needs root and a kernel with BTF; "
                    + "--set tapwire.local.collector=false runs the stack without it)" : ""), e);
        }
    }
}
