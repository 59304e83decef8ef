package io.tapwire.streams.l7.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.raw.ConnectionRole;
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
        return run(factory, socket).exchanges();
    }

    /** Feeds one socket's records to a fresh parser of {@code factory}; returns the run: the parser, what it made. */
    public static ParserRun run(ProtocolParserFactory factory, List<PayloadEvent> socket) {
        return ParserRun.of(factory, socket.stream().map(PayloadSegments::of).toList());
    }

    /** One observed socket of a capture, and what a fresh parser made of its records. */
    public record Side(ConnectionRole role, ParserRun run) {

        public List<Exchange> exchanges() {
            return run.exchanges();
        }

        public ProtocolParser parser() {
            return run.parser();
        }
    }

    /** Every socket of the capture {@code resource}, in the capture's order, each parsed by a fresh parser. */
    public static List<Side> sides(ProtocolParserFactory factory, String resource) {
        List<Side> sides = new ArrayList<>();
        for (List<PayloadEvent> socket : bySocket(read(resource)).values()) {
            sides.add(new Side(socket.get(0).getRole(), run(factory, socket)));
        }
        return sides;
    }

    /** The exchanges of the sockets of {@code role}, one socket after the other. */
    public static List<Exchange> exchanges(List<Side> sides, ConnectionRole role) {
        return sides.stream().filter(side -> side.role() == role).flatMap(side -> side.exchanges().stream()).toList();
    }
}
