package io.tapwire.collector.inventory;

/**
 * Supplies the header of each part of a snapshot, so that sequence numbers and clocks stay the caller's business.
 * Called exactly once per part, in order from part 0, during {@link InventorySnapshotter#snapshot}: part 0's
 * sequence number becomes the snapshot's id. The parts' headers may differ in their numbers (seq, times) but should
 * otherwise be alike: part sizes are planned with part 0's header.
 */
@FunctionalInterface
public interface InventoryPartHeaders {

    /** The header of part {@code part} (from 0). */
    InventoryPartHeader headerFor(int part);
}
