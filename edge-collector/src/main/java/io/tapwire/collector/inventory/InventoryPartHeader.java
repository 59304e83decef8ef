package io.tapwire.collector.inventory;

import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;

/**
 * The identity of one inventory part: its record header (with the sequence number the caller assigned) and the
 * collector task that took the snapshot.
 */
public record InventoryPartHeader(RawHeader header, TaskContext task) {
}
