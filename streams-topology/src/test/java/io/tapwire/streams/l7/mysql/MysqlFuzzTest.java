package io.tapwire.streams.l7.mysql;

import static io.tapwire.streams.l7.mysql.MysqlPackets.BASE_CAPABILITIES;
import static io.tapwire.streams.l7.mysql.MysqlPackets.err;
import static io.tapwire.streams.l7.mysql.MysqlPackets.execute;
import static io.tapwire.streams.l7.mysql.MysqlPackets.ok;
import static io.tapwire.streams.l7.mysql.MysqlPackets.prepare;
import static io.tapwire.streams.l7.mysql.MysqlPackets.prepareOk;
import static io.tapwire.streams.l7.mysql.MysqlPackets.query;
import static io.tapwire.streams.l7.mysql.MysqlPackets.resultSet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.ParserFuzz;
import io.tapwire.streams.l7.parse.ParserRun;
import org.junit.jupiter.api.Test;

/** Random and mutated bytes never make the parser throw, loop or grow: it resynchronises and counts. */
class MysqlFuzzTest {

    private static final MysqlParserFactory FACTORY = new MysqlParserFactory();
    private static final int CASES = 3000;

    @Test
    void randomSegmentsNeverThrow() {
        Random random = new Random(20261127);
        for (int c = 0; c < CASES; c++) {
            ParserFuzz.feed(FACTORY, ParserFuzz.randomWrites(random, MysqlFuzzTest::plausibleHeader), c % 10 == 0);
        }
    }

    @Test
    void mutatedConversationsNeverThrow() {
        Random random = new Random(4711);
        int exchanges = 0;
        int resynchronised = 0;
        for (int c = 0; c < CASES; c++) {
            boolean deprecateEof = random.nextBoolean();
            long capabilities = BASE_CAPABILITIES | (deprecateEof ? MysqlPackets.CLIENT_DEPRECATE_EOF : 0);
            List<byte[]> client = new ArrayList<>(List.of(MysqlPackets.handshakeResponse(capabilities)));
            List<byte[]> server = new ArrayList<>(List.of(MysqlPackets.greeting(capabilities), ok(2)));
            for (int i = 0; i < 4; i++) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        client.add(query("SELECT " + i));
                        server.add(resultSet(1, deprecateEof, 0, "v".repeat(random.nextInt(3000)), "w"));
                    }
                    case 1 -> {
                        client.add(prepare("SELECT ?, " + i));
                        server.add(prepareOk(i, 2, 1, deprecateEof));
                    }
                    default -> {
                        client.add(execute(i));
                        server.add(random.nextBoolean() ? ok(1) : err(1, 1243, "HY000", "Unknown handler"));
                    }
                }
            }
            // The server speaks first: its i-th write, then the client's i-th, answered by the server's next.
            List<ParserFuzz.Write> writes = new ArrayList<>();
            for (int i = 0; i < server.size(); i++) {
                writes.add(new ParserFuzz.Write(false, server.get(i)));
                if (i < client.size()) {
                    writes.add(new ParserFuzz.Write(true, client.get(i)));
                }
            }
            ParserRun run = ParserFuzz.feed(FACTORY, ParserFuzz.mutatedConversation(random, writes), c % 10 == 0);
            exchanges += run.exchanges().size();
            resynchronised += run.counters().resyncs() > 0 ? 1 : 0;
        }
        assertThat(exchanges).as("the mutations leave much to parse").isGreaterThan(CASES);
        assertThat(resynchronised).as("cases that lost and found the boundaries").isGreaterThan(CASES / 10);
    }

    /** A small packet header makes the framer go deeper. */
    private static void plausibleHeader(Random random, byte[] bytes) {
        if (random.nextInt(3) == 0 && bytes.length > 5) {
            bytes[0] = (byte) random.nextInt(64);
            bytes[1] = 0;
            bytes[2] = 0;
            bytes[3] = (byte) random.nextInt(3);
            bytes[4] = (byte) new int[] {0x00, 0x03, 0x16, 0x17, 0xFE, 0xFF}[random.nextInt(6)];
        }
    }
}
