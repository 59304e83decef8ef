package io.tapwire.collector.produce;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the collector talks to Kafka.
 *
 * @param bootstrapServers Kafka
 * @param bufferBytes      the producer's bounded buffer; when full, records are dropped and counted
 * @param maxBlock         how long a send may wait for buffer space or metadata before the record is dropped
 * @param deliveryTimeout  how long Kafka may take to acknowledge a record before it counts as a produce error
 * @param linger           how long a partition's batch waits for more records before it is sent: fewer, larger
 *                         batches cost the collector less CPU and compress better, at the price of that delay
 * @param compression      Kafka's compression of the record batches: zstd (the default) at level 1 keeps ~40% fewer
 *                         bytes in Kafka and on the wire than lz4, for ~20% more collector CPU; zstd's default level 3
 *                         saves a few percent more bytes for ~45% more CPU (BENCHMARKS.md, "L7 payload capture")
 * @param compressionLevel the codec's level (Kafka's {@code compression.<codec>.level}), or null for Kafka's default
 *                         (lz4 9, zstd 3, gzip its own); snappy and none have no levels
 */
public record ProducerSettings(String bootstrapServers, long bufferBytes, Duration maxBlock, Duration deliveryTimeout,
                               Duration linger, String compression, Integer compressionLevel) {

    /** The producer's {@code compression.type} values. */
    private static final List<String> COMPRESSIONS = List.of("lz4", "zstd", "snappy", "gzip", "none");
    /** The levels Kafka accepts, lowest and highest, per codec that has them. */
    private static final Map<String, int[]> LEVELS = Map.of("lz4", new int[] {1, 17}, "zstd", new int[] {-131072, 22},
            "gzip", new int[] {1, 9});

    /** A setting that is out of range fails naming it as {@code producer-<name>} would: {@code linger must be ...}. */
    public ProducerSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bufferBytes < 1024 * 1024) {
            throw new IllegalArgumentException("buffer-bytes must be at least 1 MiB, was " + bufferBytes);
        }
        if (linger.isNegative() || linger.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("linger must be 0 to " + Integer.MAX_VALUE + " ms, was " + linger);
        }
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException("compression must be one of " + String.join(", ", COMPRESSIONS)
                    + ", was '" + compression + "'");
        }
        if (compressionLevel != null) {
            int[] range = LEVELS.get(compression);
            if (range == null) {
                throw new IllegalArgumentException("compression-level must be unset: " + compression
                        + " has no levels, was " + compressionLevel);
            }
            if (compressionLevel < range[0] || compressionLevel > range[1]) {
                throw new IllegalArgumentException("compression-level must be " + range[0] + " to " + range[1]
                        + " for " + compression + ", was " + compressionLevel);
            }
        }
    }

    /** The level the collector uses for {@code compression} when none is set: 1 for zstd, else Kafka's default. */
    public static Integer defaultLevel(String compression) {
        return "zstd".equals(compression) ? 1 : null;
    }

    /** The same settings with {@code compression} at {@code level} (null: the codec's default level). */
    public ProducerSettings withCompression(String compression, Integer level) {
        return new ProducerSettings(bootstrapServers, bufferBytes, maxBlock, deliveryTimeout, linger, compression, level);
    }

    public static ProducerSettings defaults(String bootstrapServers) {
        return new ProducerSettings(bootstrapServers, 64L * 1024 * 1024, Duration.ofMillis(50), Duration.ofMinutes(2),
                Duration.ofMillis(50), "zstd", defaultLevel("zstd"));
    }
}
