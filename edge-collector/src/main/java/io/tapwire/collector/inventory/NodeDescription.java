package io.tapwire.collector.inventory;

/**
 * What every part of a snapshot repeats about the node and the collector.
 *
 * @param hostname         uname nodename
 * @param machineId        contents of /etc/machine-id, null when absent
 * @param kernelRelease    uname release
 * @param collectorVersion version of the collector
 * @param userHz           clock ticks per second of the start times
 */
record NodeDescription(String hostname, String machineId, String kernelRelease, String collectorVersion,
        int userHz) {
}
