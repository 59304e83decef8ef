package io.tapwire.collector.bpf;

/**
 * How the kernel captures L7 payloads; validated when built, so a bad value fails at start-up.
 *
 * @param enabled           false: the payload programs are not attached (no L7 events, no cost on reads and writes)
 * @param ringBufferBytes   size of the L7 events ring buffer (a power of two, whole pages)
 * @param connectionEntries connections whose classification the kernel keeps at once, and socket fds whose type it
 *                          remembers (LRU maps)
 * @param headBytes         N: the first bytes of each read or write shipped, 1 to {@value L7BpfObject#HEAD_CAP}
 *                          (SQL statements are shipped whole up to the cap, whatever N is)
 * @param tailBytes         M: the last bytes shipped when the data is longer than the head, 0 to
 *                          {@value L7BpfObject#TAIL_CAP}
 */
public record L7CaptureSettings(boolean enabled, int ringBufferBytes, int connectionEntries, int headBytes,
                                int tailBytes) {

    public static final L7CaptureSettings DEFAULTS = new L7CaptureSettings(true, 8 * 1024 * 1024, 65536, 1024, 64);

    public L7CaptureSettings {
        KernelProbeSettings.requireRingBufferSize("l7RingBufferBytes", ringBufferBytes);
        if (connectionEntries < 1) {
            throw new IllegalArgumentException("l7ConnectionEntries must be positive: " + connectionEntries);
        }
        if (headBytes < 1 || headBytes > L7BpfObject.HEAD_CAP) {
            throw new IllegalArgumentException("l7HeadBytes must be 1 to " + L7BpfObject.HEAD_CAP + ": " + headBytes);
        }
        if (tailBytes < 0 || tailBytes > L7BpfObject.TAIL_CAP) {
            throw new IllegalArgumentException("l7TailBytes must be 0 to " + L7BpfObject.TAIL_CAP + ": " + tailBytes);
        }
    }
}
