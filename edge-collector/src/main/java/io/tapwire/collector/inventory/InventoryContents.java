package io.tapwire.collector.inventory;

import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.ProcessSnapshot;
import java.util.List;

/** Everything one snapshot holds, before it is split into parts. */
public record InventoryContents(List<NetworkNamespace> namespaces, List<ProcessSnapshot> processes,
        List<ListenerSnapshot> listeners, List<ConnectionSnapshot> connections) {

    public InventoryContents {
        namespaces = List.copyOf(namespaces);
        processes = List.copyOf(processes);
        listeners = List.copyOf(listeners);
        connections = List.copyOf(connections);
    }
}
