package io.tapwire.streams.l7.parse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One parser fed segment by segment, and what it was fed and handed over so far: what a test asserts on, and what
 * {@link StateRoundTrip} feeds again.
 */
public final class ParserRun {

    private final ProtocolParser parser;
    private final List<Segment> fed = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();

    public ParserRun(ProtocolParser parser) {
        this.parser = parser;
    }

    /** A fresh parser of {@code factory}, fed {@code segments}. */
    public static ParserRun of(ProtocolParserFactory factory, List<Segment> segments) {
        ParserRun run = new ParserRun(factory.create());
        run.feed(segments);
        return run;
    }

    /** Feeds every segment to {@code parser}; returns the exchanges in the order they completed. */
    public static List<Exchange> feed(ProtocolParser parser, List<Segment> segments) {
        return new ParserRun(parser).feed(segments);
    }

    /** Feeds the segments in order; returns the exchanges they completed. */
    public List<Exchange> feed(Segment... segments) {
        return feed(List.of(segments));
    }

    public List<Exchange> feed(List<Segment> segments) {
        int before = exchanges.size();
        for (Segment segment : segments) {
            fed.add(segment);
            parser.accept(segment, exchanges::add);
        }
        return List.copyOf(exchanges.subList(before, exchanges.size()));
    }

    public ProtocolParser parser() {
        return parser;
    }

    /** Every segment fed so far. */
    public List<Segment> fed() {
        return Collections.unmodifiableList(fed);
    }

    /** Every exchange handed over so far, in order (a view that grows as the run goes on). */
    public List<Exchange> exchanges() {
        return Collections.unmodifiableList(exchanges);
    }

    public ParserCounters counters() {
        return parser.counters();
    }
}
