package io.tapwire.streams.l7.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a parser's written state is all of it, as the topology's state store needs: a parser written and
 * restored after every segment must hand over the same exchanges and end with the same counters as one that lived
 * throughout, and every restored parser must write the very state it was restored from.
 */
public final class StateRoundTrip {

    private StateRoundTrip() {
    }

    /** Feeds what {@code live} was fed to a parser restored after every segment, and compares. */
    public static void assertRestoredMatches(ProtocolParserFactory factory, ParserRun live) {
        ProtocolParser restored = factory.create();
        List<Exchange> exchanges = new ArrayList<>();
        for (Segment segment : live.fed()) {
            restored.accept(segment, exchanges::add);
            restored = roundTrip(factory, restored);
        }
        assertThat(exchanges).as("the exchanges with the state restored after every segment")
                .isEqualTo(live.exchanges());
        assertThat(restored.counters()).as("the counters with the state restored after every segment")
                .isEqualTo(live.counters());
    }

    /** Feeds {@code segments} to a fresh parser and to one restored after every segment, and compares; returns the first. */
    public static ParserRun assertRestoredMatches(ProtocolParserFactory factory, List<Segment> segments) {
        ParserRun live = ParserRun.of(factory, segments);
        assertRestoredMatches(factory, live);
        return live;
    }

    /** The parser restored from its written state. */
    public static ProtocolParser roundTrip(ProtocolParserFactory factory, ProtocolParser parser) {
        try {
            byte[] state = write(parser);
            ProtocolParser restored = factory.restore(new DataInputStream(new ByteArrayInputStream(state)));
            assertThat(write(restored)).as("the restored state writes the same bytes").isEqualTo(state);
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(ProtocolParser parser) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        parser.writeState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
