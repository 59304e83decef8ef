package io.tapwire.streams.l7.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.raw.PayloadEvent;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads a capture fixture (src/test/resources/captures/&lt;protocol&gt;/*.jsonl, made by the collector's
 * CaptureFixtures against a real server: its first line says how) and feeds it to parsers, socket by socket.
 */
public final class Captures {

    private Captures() {
    }

    /** Every record of the capture, in the file's (kernel time) order. */
    public static List<PayloadEvent> read(String resource) {
        try (InputStream in = Captures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + resource + " on the test classpath");
            }
            SpecificDatumReader<PayloadEvent> reader = new SpecificDatumReader<>(PayloadEvent.class);
            List<PayloadEvent> records = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                records.add(reader.read(null, DecoderFactory.get().jsonDecoder(PayloadEvent.getClassSchema(), line)));
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capture " + resource, e);
        }
    }

    /** The capture's records grouped by socket (the observed side), each in order. */
    public static Map<Long, List<PayloadEvent>> bySocket(List<PayloadEvent> records) {
        Map<Long, List<PayloadEvent>> sockets = new LinkedHashMap<>();
        for (PayloadEvent e : records) {
            sockets.computeIfAbsent(e.getSocketInode(), k -> new ArrayList<>()).add(e);
        }
        return sockets;
    }

    /** Feeds one socket's records to a fresh parser of {@code factory}; returns every exchange it completed. */
    public static List<Exchange> parse(ProtocolParserFactory factory, List<PayloadEvent> socket) {
        ProtocolParser parser = factory.create();
        List<Exchange> exchanges = new ArrayList<>();
        for (PayloadEvent e : socket) {
            parser.accept(PayloadSegments.of(e), exchanges::add);
        }
        return exchanges;
    }
}
