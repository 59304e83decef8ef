package io.tapwire.collector.inventory;

import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a snapshot into {@link NodeInventory} parts whose Avro encoding stays within a byte budget, so that each
 * part fits a Kafka message (the broker's default limit is 1 MiB) with room for the wire-format framing.
 *
 * <p>Sizes are computed, not guessed: every item is measured with the schema, and a part's size is its fixed
 * fields (measured once with part 0's header) plus, for each non-empty array, the item count's varint (at most
 * 5 bytes) and its items' sizes. Avro writes an array as one block: count, items, a 0 terminator, and the
 * terminator is already in the fixed fields' measure. Items are placed greedily in the order namespaces,
 * processes, listeners, connections.
 *
 * <p>A process larger than a part's room on its own (a JVM with a classpath of hundreds of jars on its command line)
 * has its command line cut from the end until it fits, with a warning naming the pid: the budget is a promise that
 * every part fits a message. Any other item larger than a part's room (a namespace with thousands of addresses)
 * gets a part of its own, and a warning.
 */
final class InventoryPartitioner {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryPartitioner.class);

    /** Room for later parts' headers to be longer than part 0's: seq and two times, as varints of up to 10 bytes. */
    static final int HEADER_SLACK_BYTES = 64;
    /** Longest varint of an array item count (an int, zigzag-encoded). */
    private static final int MAX_COUNT_BYTES = 5;
    private static final int ARRAYS = 4;

    private final int budgetBytes;
    private final EncodedSize<NodeInventory> inventorySize = new EncodedSize<>(NodeInventory.class);
    private final EncodedSize<NetworkNamespace> namespaceSize = new EncodedSize<>(NetworkNamespace.class);
    private final EncodedSize<ProcessSnapshot> processSize = new EncodedSize<>(ProcessSnapshot.class);
    private final EncodedSize<ListenerSnapshot> listenerSize = new EncodedSize<>(ListenerSnapshot.class);
    private final EncodedSize<ConnectionSnapshot> connectionSize = new EncodedSize<>(ConnectionSnapshot.class);

    InventoryPartitioner(int budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The items of one part. */
    private static final class Part {
        final List<NetworkNamespace> namespaces = new ArrayList<>();
        final List<ProcessSnapshot> processes = new ArrayList<>();
        final List<ListenerSnapshot> listeners = new ArrayList<>();
        final List<ConnectionSnapshot> connections = new ArrayList<>();
        long itemBytes;

        boolean isEmpty() {
            return namespaces.isEmpty() && processes.isEmpty() && listeners.isEmpty() && connections.isEmpty();
        }
    }

    /**
     * Splits {@code contents} into parts, asking {@code headers} for each part's header in order.
     *
     * @throws IllegalStateException when the budget cannot hold even a part's fixed fields
     */
    List<NodeInventory> split(InventoryContents contents, NodeDescription node, long clockOffsetNs,
            InventoryPartHeaders headers) {
        InventoryPartHeader first = headers.headerFor(0);
        long snapshotId = first.header().getSeq();
        NodeInventory skeleton = build(first, node, clockOffsetNs, snapshotId, Integer.MAX_VALUE, Integer.MAX_VALUE,
                new Part());
        long capacity = budgetBytes - inventorySize.of(skeleton) - HEADER_SLACK_BYTES - (long) ARRAYS * MAX_COUNT_BYTES;
        if (capacity <= 0) {
            throw new IllegalStateException("the inventory part budget of " + budgetBytes + " bytes cannot hold a "
                    + "part's fixed fields (" + inventorySize.of(skeleton) + " bytes with the header of part 0): "
                    + "raise the part budget");
        }

        List<Part> parts = new ArrayList<>();
        Part current = new Part();
        parts.add(current);
        List<Item> items = items(contents);
        for (Item measured : items) {
            Item item = measured.record instanceof ProcessSnapshot process && measured.size > capacity
                    ? fitted(process, measured.size, capacity) : measured;
            if (!current.isEmpty() && current.itemBytes + item.size > capacity) {
                current = new Part();
                parts.add(current);
            }
            if (item.size > capacity) {
                LOG.warn("one {} of the inventory takes {} bytes, more than a part's room of {} bytes: its part "
                        + "exceeds the budget", item.kind(), item.size, capacity);
            }
            item.addTo(current);
            current.itemBytes += item.size;
        }

        List<NodeInventory> records = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            InventoryPartHeader header = i == 0 ? first : headers.headerFor(i);
            records.add(build(header, node, clockOffsetNs, snapshotId, i, parts.size(), parts.get(i)));
        }
        return records;
    }

    /**
     * {@code process} with its command line cut from the end until it encodes in {@code capacity} bytes. Every
     * round removes at least one argument's worth of bytes or cuts the last argument shorter, and the result is
     * measured again, so multi-byte characters cannot make it overshoot.
     */
    private Item fitted(ProcessSnapshot process, long size, long capacity) {
        List<String> arguments = new ArrayList<>(process.getCmdline());
        ProcessSnapshot cut = process;
        long over = size - capacity;
        while (over > 0 && !arguments.isEmpty()) {
            String last = arguments.remove(arguments.size() - 1);
            long lastBytes = Utf8Prefix.byteLength(last);
            // The argument's own length prefix shrinks too, so cutting it by "over" bytes is always enough or more.
            if (lastBytes > over) {
                arguments.add(Utf8Prefix.of(last, (int) (lastBytes - over)));
            }
            cut = ProcessSnapshot.newBuilder(process).setCmdline(new ArrayList<>(arguments)).build();
            over = processSize.of(cut) - capacity;
        }
        LOG.warn("process {} ({}) takes {} bytes in the inventory, more than a part's room of {} bytes: its command "
                + "line is cut from {} to {} bytes", process.getPid(), process.getComm(), size, capacity,
                argumentBytes(process), argumentBytes(cut));
        return new Item(cut, processSize.of(cut));
    }

    private static long argumentBytes(ProcessSnapshot process) {
        return process.getCmdline().stream().mapToLong(Utf8Prefix::byteLength).sum();
    }

    /** One item to place, with its measured size. */
    private record Item(Object record, long size) {

        String kind() {
            return record.getClass().getSimpleName();
        }

        void addTo(Part part) {
            if (record instanceof NetworkNamespace namespace) {
                part.namespaces.add(namespace);
            } else if (record instanceof ProcessSnapshot process) {
                part.processes.add(process);
            } else if (record instanceof ListenerSnapshot listener) {
                part.listeners.add(listener);
            } else {
                part.connections.add((ConnectionSnapshot) record);
            }
        }
    }

    private List<Item> items(InventoryContents contents) {
        List<Item> items = new ArrayList<>();
        contents.namespaces().forEach(namespace -> items.add(new Item(namespace, namespaceSize.of(namespace))));
        contents.processes().forEach(process -> items.add(new Item(process, processSize.of(process))));
        contents.listeners().forEach(listener -> items.add(new Item(listener, listenerSize.of(listener))));
        contents.connections().forEach(connection -> items.add(new Item(connection, connectionSize.of(connection))));
        return items;
    }

    private static NodeInventory build(InventoryPartHeader header, NodeDescription node, long clockOffsetNs,
            long snapshotId, int part, int parts, Part items) {
        return NodeInventory.newBuilder()
                .setHeader(header.header())
                .setTask(header.task())
                .setHostname(node.hostname())
                .setMachineId(node.machineId())
                .setKernelRelease(node.kernelRelease())
                .setCollectorVersion(node.collectorVersion())
                .setClockOffsetNs(clockOffsetNs)
                .setUserHz(node.userHz())
                .setSnapshotId(snapshotId)
                .setPart(part)
                .setParts(parts)
                .setNamespaces(items.namespaces)
                .setProcesses(items.processes)
                .setListeners(items.listeners)
                .setConnections(items.connections)
                .build();
    }
}
