package io.tapwire.streams.l7.postgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;
import io.tapwire.streams.l7.parse.Segment;

/** Feeds segments to a parser that is written and restored after every one, as the topology's state store does. */
final class StateRoundTrip {

    /** What the parser ended with: its exchanges and its counters. */
    record Result(List<Exchange> exchanges, ParserCounters counters) {
    }

    private StateRoundTrip() {
    }

    static Result parse(ProtocolParserFactory factory, List<Segment> segments) {
        ProtocolParser parser = factory.create();
        List<Exchange> exchanges = new ArrayList<>();
        segments.forEach(s -> parser.accept(s, exchanges::add));
        return new Result(exchanges, parser.counters());
    }

    static Result parseRestoringAfterEachSegment(ProtocolParserFactory factory, List<Segment> segments) {
        ProtocolParser parser = factory.create();
        List<Exchange> exchanges = new ArrayList<>();
        for (Segment segment : segments) {
            parser.accept(segment, exchanges::add);
            parser = restore(factory, parser);
        }
        return new Result(exchanges, parser.counters());
    }

    private static ProtocolParser restore(ProtocolParserFactory factory, ProtocolParser parser) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            parser.writeState(new DataOutputStream(bytes));
            return factory.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
