package io.tapwire.collector.bpf;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How {@link KernelProbes} sizes and configures the kernel side; validated when built, so a bad
 * value fails at start-up with the setting's name.
 *
 * @param processRingBufferBytes size of the process events ring buffer
 * @param tcpRingBufferBytes     size of the TCP events ring buffer
 * @param fileRingBufferBytes    size of the file events ring buffer
 * @param socketMapEntries       live TCP sockets the kernel can attribute at once (an LRU map: past
 *                               that, the least recently seen lose their owner)
 * @param tcpStatsInterval       how often a busy connection reports STATS; zero disables them
 * @param excludedPids           processes never observed, with their children
 * @param excludedPidsAlone      processes never observed whose children are
 * @param excludedLocalPorts     local TCP ports never observed
 * @param l7                     payload capture
 */
public record KernelProbeSettings(
        int processRingBufferBytes,
        int tcpRingBufferBytes,
        int fileRingBufferBytes,
        int socketMapEntries,
        Duration tcpStatsInterval,
        Set<Integer> excludedPids,
        Set<Integer> excludedPidsAlone,
        Set<Integer> excludedLocalPorts,
        L7CaptureSettings l7) {

    /** The kernel's page size on x86-64 and arm64 with 4 KiB pages; ring buffers are whole pages. */
    private static final int PAGE_SIZE = 4096;
    /** Ring buffers are mapped as one contiguous area, and the kernel caps max_entries. */
    private static final int MAX_RING_BUFFER_BYTES = 1 << 30;

    public KernelProbeSettings {
        requireRingBufferSize("processRingBufferBytes", processRingBufferBytes);
        requireRingBufferSize("tcpRingBufferBytes", tcpRingBufferBytes);
        requireRingBufferSize("fileRingBufferBytes", fileRingBufferBytes);
        if (socketMapEntries < 1) {
            throw new IllegalArgumentException("socketMapEntries must be positive: " + socketMapEntries);
        }
        if (tcpStatsInterval == null || tcpStatsInterval.isNegative()) {
            throw new IllegalArgumentException("tcpStatsInterval must be zero (off) or positive: " + tcpStatsInterval);
        }
        for (int pid : excludedPids) {
            if (pid <= 0) {
                throw new IllegalArgumentException("excludedPids must be positive pids: " + pid);
            }
        }
        for (int pid : excludedPidsAlone) {
            if (pid <= 0) {
                throw new IllegalArgumentException("excludedPidsAlone must be positive pids: " + pid);
            }
        }
        for (int port : excludedLocalPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("excludedLocalPorts must be 1-65535: " + port);
            }
        }
        excludedPids = Set.copyOf(excludedPids);
        excludedPidsAlone = Set.copyOf(excludedPidsAlone);
        excludedLocalPorts = Set.copyOf(excludedLocalPorts);
        if (l7 == null) {
            throw new IllegalArgumentException("l7 settings are required");
        }
    }

    /** A builder holding these settings, to change some. */
    public Builder toBuilder() {
        Builder builder = new Builder().processRingBufferBytes(processRingBufferBytes)
                .tcpRingBufferBytes(tcpRingBufferBytes).fileRingBufferBytes(fileRingBufferBytes)
                .socketMapEntries(socketMapEntries).tcpStatsInterval(tcpStatsInterval).l7(l7);
        excludedPids.forEach(builder::excludePid);
        excludedPidsAlone.forEach(builder::excludePidAlone);
        excludedLocalPorts.forEach(builder::excludeLocalPort);
        return builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    static void requireRingBufferSize(String name, int bytes) {
        if (bytes < PAGE_SIZE || bytes > MAX_RING_BUFFER_BYTES || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException(name + " must be a power of two from " + PAGE_SIZE + " to "
                    + MAX_RING_BUFFER_BYTES + " bytes: " + bytes);
        }
    }

    /**
     * Defaults: 256 KiB for processes and files, 1 MiB for TCP, 65536 sockets, STATS every 30 s, nothing excluded,
     * {@link L7CaptureSettings#DEFAULTS}.
     */
    public static final class Builder {
        private int processRingBufferBytes = 256 * 1024;
        private int tcpRingBufferBytes = 1024 * 1024;
        private int fileRingBufferBytes = 256 * 1024;
        private int socketMapEntries = 65536;
        private Duration tcpStatsInterval = Duration.ofSeconds(30);
        private final Set<Integer> excludedPids = new LinkedHashSet<>();
        private final Set<Integer> excludedPidsAlone = new LinkedHashSet<>();
        private final Set<Integer> excludedLocalPorts = new LinkedHashSet<>();
        private L7CaptureSettings l7 = L7CaptureSettings.DEFAULTS;

        private Builder() {
        }

        public Builder processRingBufferBytes(int bytes) {
            this.processRingBufferBytes = bytes;
            return this;
        }

        public Builder tcpRingBufferBytes(int bytes) {
            this.tcpRingBufferBytes = bytes;
            return this;
        }

        public Builder fileRingBufferBytes(int bytes) {
            this.fileRingBufferBytes = bytes;
            return this;
        }

        public Builder socketMapEntries(int entries) {
            this.socketMapEntries = entries;
            return this;
        }

        public Builder tcpStatsInterval(Duration interval) {
            this.tcpStatsInterval = interval;
            return this;
        }

        public Builder excludePid(int pid) {
            excludedPids.add(pid);
            return this;
        }

        /** A process never observed whose children are (they do not inherit the exclusion). */
        public Builder excludePidAlone(int pid) {
            excludedPidsAlone.add(pid);
            return this;
        }

        public Builder excludeLocalPort(int port) {
            excludedLocalPorts.add(port);
            return this;
        }

        public Builder l7(L7CaptureSettings settings) {
            this.l7 = settings;
            return this;
        }

        public KernelProbeSettings build() {
            return new KernelProbeSettings(processRingBufferBytes, tcpRingBufferBytes, fileRingBufferBytes,
                    socketMapEntries, tcpStatsInterval, excludedPids, excludedPidsAlone, excludedLocalPorts, l7);
        }
    }
}
