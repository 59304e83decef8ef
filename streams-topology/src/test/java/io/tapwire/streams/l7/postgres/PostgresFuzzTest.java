package io.tapwire.streams.l7.postgres;

import static io.tapwire.streams.l7.parse.Wire.concat;
import static io.tapwire.streams.l7.postgres.PgMessages.commandComplete;
import static io.tapwire.streams.l7.postgres.PgMessages.dataRow;
import static io.tapwire.streams.l7.postgres.PgMessages.error;
import static io.tapwire.streams.l7.postgres.PgMessages.extended;
import static io.tapwire.streams.l7.postgres.PgMessages.extendedResult;
import static io.tapwire.streams.l7.postgres.PgMessages.query;
import static io.tapwire.streams.l7.postgres.PgMessages.ready;
import static io.tapwire.streams.l7.postgres.PgMessages.rowDescription;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.ParserFuzz;
import io.tapwire.streams.l7.parse.ParserRun;
import org.junit.jupiter.api.Test;

/** Random and mutated bytes never make the parser throw, loop or grow: it resynchronises and counts. */
class PostgresFuzzTest {

    private static final PostgresParserFactory FACTORY = new PostgresParserFactory();
    private static final int CASES = 3000;

    @Test
    void randomSegmentsNeverThrow() {
        Random random = new Random(20261127);
        for (int c = 0; c < CASES; c++) {
            ParserFuzz.feed(FACTORY, ParserFuzz.randomWrites(random, PostgresFuzzTest::plausibleType), c % 10 == 0);
        }
    }

    @Test
    void mutatedConversationsNeverThrow() {
        Random random = new Random(4711);
        byte[][] setUp = PgMessages.setUp();
        int exchanges = 0;
        int resynchronised = 0;
        for (int c = 0; c < CASES; c++) {
            List<byte[]> client = new ArrayList<>(List.of(setUp[0], setUp[2], setUp[4]));
            List<byte[]> server = new ArrayList<>(List.of(setUp[1], setUp[3], setUp[5]));
            for (int i = 0; i < 4; i++) {
                client.add(random.nextBoolean() ? query("SELECT " + i) : extended("SELECT " + i));
                server.add(random.nextBoolean() ? concat(rowDescription(), dataRow("v".repeat(random.nextInt(3000))),
                        commandComplete("SELECT 1"), ready()) : random.nextBoolean() ? extendedResult("x")
                        : concat(error("22012", "division by zero"), ready()));
            }
            List<ParserFuzz.Write> writes = new ArrayList<>();
            for (int i = 0; i < client.size(); i++) {
                writes.add(new ParserFuzz.Write(true, client.get(i)));
                writes.add(new ParserFuzz.Write(false, server.get(i)));
            }
            ParserRun run = ParserFuzz.feed(FACTORY, ParserFuzz.mutatedConversation(random, writes), c % 10 == 0);
            exchanges += run.exchanges().size();
            resynchronised += run.counters().resyncs() > 0 ? 1 : 0;
        }
        assertThat(exchanges).as("the mutations leave much to parse").isGreaterThan(CASES);
        assertThat(resynchronised).as("cases that lost and found the boundaries").isGreaterThan(CASES / 10);
    }

    /** A plausible type byte makes the framer go deeper. */
    private static void plausibleType(Random random, byte[] bytes) {
        if (random.nextInt(4) == 0 && bytes.length > 0) {
            bytes[0] = (byte) "QPBESDZTCRK1".charAt(random.nextInt(12));
        }
    }
}
