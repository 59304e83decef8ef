package io.tapwire.streams.sync;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Which upstream task a record comes from, as a Kafka record header that travels with it through a repartition
 * topic: the channel (the repartition's name) and the partition of the task that wrote it. An
 * {@link EventTimeSync} needs it to know how far each of its sources has got.
 */
public final class SourceStamp {

    public static final String HEADER = "tapwire-source";

    private SourceStamp() {
    }

    /** A source: a channel and the partition of the upstream task writing to it. */
    public record Source(String channel, int partition) {
    }

    /** {@code headers} with this record's source replaced by {@code channel} and {@code partition}. */
    public static Headers stamp(Headers headers, String channel, int partition) {
        RecordHeaders stamped = new RecordHeaders(headers.toArray());
        stamped.remove(HEADER);
        stamped.add(HEADER, (channel + "#" + partition).getBytes(StandardCharsets.UTF_8));
        return stamped;
    }

    /** The source a record was stamped with, or null when it carries none. */
    public static Source of(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return null;
        }
        String text = new String(header.value(), StandardCharsets.UTF_8);
        int hash = text.lastIndexOf('#');
        if (hash < 0) {
            return null;
        }
        try {
            return new Source(text.substring(0, hash), Integer.parseInt(text.substring(hash + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
