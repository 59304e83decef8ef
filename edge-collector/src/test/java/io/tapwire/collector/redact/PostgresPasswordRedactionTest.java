package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.concat;
import static io.tapwire.collector.redact.Bytes.latin1;
import static io.tapwire.collector.redact.Bytes.maskingRange;
import static io.tapwire.collector.redact.Bytes.stars;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PostgresPasswordRedactionTest {

    private static final int HEAD = 16384;
    private static final int TAIL = 64;

    private final Redactor defaults = Redactor.defaults();

    static Stream<Arguments> psqlPasswordMessages() {
        return Stream.of(
                Arguments.of("cleartext", Captures.psqlCleartextPassword()),
                Arguments.of("md5", Captures.psqlMd5Password()),
                Arguments.of("SASL initial response", Captures.psqlSaslInitialResponse()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("psqlPasswordMessages")
    void thePasswordMessagesBodyIsMaskedAndItsTypeAndLengthStay(String kind, byte[] message) {
        Shipped shipped = Shipped.of(message, HEAD, TAIL);

        int masked = shipped.redactBy(defaults, L7Protocol.POSTGRES, true);

        shipped.shouldEqual(Shipped.of(maskingRange(message, 5, message.length), HEAD, TAIL));
        assertThat(masked).isEqualTo(message.length - 5);
    }

    @Test
    void theSslRequestAndTheStartupMessageAreLeftAsTheyAre() {
        for (byte[] opening : List.of(Captures.psqlSslRequest(), Captures.psqlStartup())) {
            Shipped shipped = Shipped.whole(opening);

            assertThat(shipped.redactBy(defaults, L7Protocol.POSTGRES, true)).isZero();
            shipped.shouldEqual(Shipped.whole(opening));
        }
    }

    @Test
    void aHeadStartingWithAStartupMessageIsWalkedPastItByItsLength() {
        // The startup message's parameters include the bytes 'p' and "psql": read as typed messages they would
        // mislead the walk; skipped by the message's length they do not.
        byte[] startup = Captures.psqlStartup();
        byte[] head = concat(startup, Captures.psqlCleartextPassword());
        Shipped shipped = Shipped.whole(head);

        shipped.redactBy(defaults, L7Protocol.POSTGRES, true);

        shipped.shouldEqual(Shipped.whole(maskingRange(head, startup.length + 5, head.length)));
    }

    @Test
    void everyPasswordMessageAmongSeveralBackToBackIsMaskedAndTheOthersAreKept() {
        byte[] sasl = Captures.psqlSaslInitialResponse();
        byte[] query = query("SELECT 1");
        byte[] head = concat(sasl, query, Captures.psqlCleartextPassword());
        Shipped shipped = Shipped.whole(head);

        shipped.redactBy(defaults, L7Protocol.POSTGRES, true);

        byte[] expected = maskingRange(maskingRange(head, 5, sasl.length), sasl.length + query.length + 5, head.length);
        shipped.shouldEqual(Shipped.whole(expected));
    }

    @Test
    void aTailInsideAPasswordBodyThatRunsPastTheHeadIsMaskedWhole() {
        byte[] message = saslResponse("c=biws,r=OWuA9GlczFWtP1eQDNicn/QB" + "k".repeat(400) + ",p=c2VjcmV0cHJvb2Y=");
        Shipped shipped = Shipped.of(message, 40, TAIL);

        shipped.redactBy(defaults, L7Protocol.POSTGRES, true);

        shipped.shouldEqual(Shipped.of(maskingRange(message, 5, message.length), 40, TAIL));
        assertThat(shipped.tail()).isEqualTo(latin1(stars(TAIL)));
    }

    @Test
    void aMessageAfterAPasswordThatRunsPastTheHeadIsFoundInTheTailByTheLengthAndKept() {
        byte[] message = saslResponse("c=biws,r=OWuA9GlczFWtP1eQDNicn/QB" + "k".repeat(400) + ",p=c2VjcmV0cHJvb2Y=");
        byte[] data = concat(message, query("SELECT 1"), Captures.psqlCleartextPassword());
        Shipped shipped = Shipped.of(data, 40, TAIL);

        shipped.redactBy(defaults, L7Protocol.POSTGRES, true);

        byte[] expected = maskingRange(maskingRange(data, 5, message.length), data.length - 10, data.length);
        shipped.shouldEqual(Shipped.of(expected, 40, TAIL));
    }

    @Test
    void aPasswordMessageWhoseLengthWasCutOffHasEverythingAfterItMaskedTheWholeTailIncluded() {
        byte[] message = saslResponse("c=biws,r=" + "n".repeat(100) + ",p=c2VjcmV0cHJvb2Y=");
        Shipped shipped = Shipped.of(message, 3, 20);

        shipped.redactBy(defaults, L7Protocol.POSTGRES, true);

        assertThat(shipped.head()).isEqualTo(new byte[] {'p', 0, 0});
        assertThat(shipped.tail()).isEqualTo(latin1(stars(20)));
    }

    @Test
    void switchedOffOrFromTheServerNothingIsMasked() {
        byte[] message = Captures.psqlCleartextPassword();
        Redactor noPostgres = new Redactor(new RedactionRules(true, List.of("Authorization"), false, true, true,
                List.of()));
        Shipped switchedOff = Shipped.whole(message);
        Shipped fromServer = Shipped.whole(message);

        assertThat(switchedOff.redactBy(noPostgres, L7Protocol.POSTGRES, true)).isZero();
        assertThat(fromServer.redactBy(defaults, L7Protocol.POSTGRES, false)).isZero();

        switchedOff.shouldEqual(Shipped.whole(message));
        fromServer.shouldEqual(Shipped.whole(message));
    }

    @Test
    void impossibleLengthsStopTheWalkWithoutThrowing() {
        byte[] negative = latin1("p\u00ff\u00ff\u00ff\u00ffsecret");
        byte[] belowFour = latin1("p\u0000\u0000\u0000\u0002secret");
        byte[] huge = latin1("p\u007f\u00ff\u00ff\u00ffsecret");
        for (byte[] garbage : List.of(negative, belowFour)) {
            Shipped shipped = Shipped.whole(garbage);
            assertThat(shipped.redactBy(defaults, L7Protocol.POSTGRES, true)).isZero();
            shipped.shouldEqual(Shipped.whole(garbage));
        }
        Shipped shipped = Shipped.whole(huge);
        shipped.redactBy(defaults, L7Protocol.POSTGRES, true);
        shipped.shouldEqual(Shipped.whole(maskingRange(huge, 5, huge.length)));
    }

    /** A simple Query message, as libpq builds it. */
    private static byte[] query(String sql) {
        byte[] text = latin1(sql + "\u0000");
        return ByteBuffer.allocate(5 + text.length).put((byte) 'Q').putInt(4 + text.length).put(text).array();
    }

    /** A SASLResponse ('p' with the SCRAM client-final-message), as libpq builds it. */
    private static byte[] saslResponse(String clientFinalMessage) {
        byte[] text = latin1(clientFinalMessage);
        return ByteBuffer.allocate(5 + text.length).put((byte) 'p').putInt(4 + text.length).put(text).array();
    }
}
