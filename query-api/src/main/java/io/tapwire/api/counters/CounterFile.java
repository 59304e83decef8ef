package io.tapwire.api.counters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The counters file in the state directory, replaced as a whole on every write: written to a temporary file, forced
 * to disk, renamed over the old one (atomic on one file system) and the directory forced, so that a crash at any
 * moment leaves either the previous complete file or the new one.
 */
final class CounterFile {

    static final String NAME = "counters.json";
    private static final String TEMPORARY = NAME + ".tmp";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true);

    private final Path dir;
    private final Path file;

    CounterFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(NAME);
    }

    Path path() {
        return file;
    }

    /** The last content written, or empty when there is none yet (a first start). */
    Optional<CounterFileContent> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        CounterFileContent content;
        try {
            content = JSON.readValue(file.toFile(), CounterFileContent.class);
        } catch (IOException e) {
            throw unreadable("it is not a counters file (" + e.getMessage() + ")", e);
        }
        if (content.version() < CounterFileContent.OLDEST_READABLE || content.version() > CounterFileContent.VERSION) {
            throw unreadable("it has version " + content.version() + ", this API reads versions "
                    + CounterFileContent.OLDEST_READABLE + " to " + CounterFileContent.VERSION, null);
        }
        if (content.l7().stream().anyMatch(e -> e.bucketCounts() == null
                || e.bucketCounts().length != LatencyBuckets.COUNT)) {
            throw unreadable("an L7 entry does not have " + LatencyBuckets.COUNT + " latency buckets", null);
        }
        if (content.dns() != null && content.dns().stream().anyMatch(e -> e.bucketCounts() == null
                || e.bucketCounts().length != LatencyBuckets.COUNT)) {
            throw unreadable("a DNS entry does not have " + LatencyBuckets.COUNT + " latency buckets", null);
        }
        return Optional.of(content);
    }

    void write(CounterFileContent content) throws IOException {
        Path temporary = dir.resolve(TEMPORARY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(content));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /**
     * Refuses to start rather than start the counters from zero, which every scraper would see as counters going
     * backwards.
     */
    private IllegalStateException unreadable(String why, Exception cause) {
        IllegalStateException e = new IllegalStateException("Cannot read the counters file " + file.toAbsolutePath()
                + ": " + why + ". Restore it, or delete it to count again from the earliest offsets still in Kafka "
                + "(the counters then restart from zero) — see tapwire.api.state-dir");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
