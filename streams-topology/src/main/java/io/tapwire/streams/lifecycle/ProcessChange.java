package io.tapwire.streams.lifecycle;

import io.tapwire.schemas.derived.ProcessInfo;

/**
 * One change the process registry made to a process, as it passes from the registry to {@link ServiceMembership} in
 * the registry's own task (an object, never serialized): the process before and after it.
 *
 * @param key    the process key, {@code cluster/node/bootId/pid/startTimeTicks}
 * @param before the process as the registry had it; null if it did not
 * @param after  the process as the registry has it now; null for its tombstone
 */
public record ProcessChange(String key, ProcessInfo before, ProcessInfo after) {
}
