package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.latin1;
import static io.tapwire.collector.redact.Bytes.masking;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final List<byte[]> CAPTURES = List.of(Captures.curlBasicAuthAndCookie(), Captures.curlLoginForm(),
            Captures.pythonResponseSettingCookie(), Captures.psqlSslRequest(), Captures.psqlStartup(),
            Captures.psqlCleartextPassword(), Captures.psqlMd5Password(), Captures.psqlSaslInitialResponse(),
            Captures.mariadbHandshakeResponse(), Captures.mariadbAuthSwitchResponse(), Captures.mariadbSslRequest(),
            Captures.mariadbSelect1(), Captures.redisCliAuth(), Captures.redisCliAuthUser(), Captures.redisCliHello(),
            Captures.redisCliGet());

    @Test
    void disabledRedactionLeavesEveryByteOfEveryProtocol() {
        Redactor disabled = new Redactor(RedactionRules.disabled());
        for (byte[] capture : CAPTURES) {
            for (L7Protocol protocol : L7Protocol.values()) {
                Shipped shipped = Shipped.whole(capture);

                assertThat(shipped.redactBy(disabled, protocol, true)).isZero();
                shipped.shouldEqual(Shipped.whole(capture));
            }
        }
    }

    @Test
    void switchedOffAsAWholeNothingIsMaskedWhateverTheRulesSay() {
        RedactionRules off = new RedactionRules(false, RedactionRules.defaults().httpHeaders(), true, true, true,
                List.of(Pattern.compile("session")));
        byte[] request = Captures.curlBasicAuthAndCookie();
        Shipped shipped = Shipped.whole(request);

        assertThat(shipped.redactBy(new Redactor(off), L7Protocol.HTTP1, true)).isZero();
        shipped.shouldEqual(Shipped.whole(request));
    }

    @Test
    void theProtocolHintChoosesTheRule() {
        byte[] request = Captures.curlBasicAuthAndCookie();
        for (L7Protocol other : List.of(L7Protocol.UNKNOWN, L7Protocol.MEMCACHED, L7Protocol.DNS, L7Protocol.REDIS)) {
            Shipped shipped = Shipped.whole(request);

            assertThat(shipped.redactBy(Redactor.defaults(), other, true)).as("%s", other).isZero();
            shipped.shouldEqual(Shipped.whole(request));
        }
        Shipped unknown = Shipped.whole(request);
        assertThat(Redactor.defaults().redact(null, true, request.length, unknown.head(), request.length, null, 0))
                .isZero();
    }

    @Test
    void bytesOfTheBufferAfterHeadLengthAreNeitherReadNorWritten() {
        // The kernel's buffers are reused: what lies after headLength is an older event's data.
        byte[] request = latin1("GET / HTTP/1.1\r\nCookie: s=1\r\n\r\n");
        byte[] buffer = Arrays.copyOf(request, 256);
        byte[] stale = latin1("Authorization: Bearer older-event\r\n");
        System.arraycopy(stale, 0, buffer, 100, stale.length);
        byte[] expected = buffer.clone();
        Arrays.fill(expected, request.length - 7, request.length - 4, (byte) '*');

        int masked = Redactor.defaults().redact(L7Protocol.HTTP1, true, request.length, buffer, request.length,
                new byte[64], 0);

        assertThat(buffer).isEqualTo(expected);
        assertThat(masked).isEqualTo(3);
    }

    @Test
    void aByteMaskedByTwoRulesCountsOnce() {
        byte[] request = Captures.curlBasicAuthAndCookie();
        Redactor withPattern = new Redactor(new RedactionRules(true, RedactionRules.defaults().httpHeaders(), true,
                true, true, List.of(Pattern.compile("session=(\\w+)"))));
        Shipped shipped = Shipped.whole(request);

        int masked = shipped.redactBy(withPattern, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.whole(masking(request, "Basic dXNlcjpwYXNz", "session=abc")));
        assertThat(masked).isEqualTo("Basic dXNlcjpwYXNz".length() + "session=abc".length());
    }

    @Test
    void lengthsThatDisagreeWithTheArraysAreCutToThemInsteadOfThrowing() {
        byte[] head = Captures.psqlCleartextPassword();
        byte[] tail = latin1("tail");
        Redactor redactor = Redactor.defaults();

        assertThat(redactor.redact(L7Protocol.POSTGRES, true, -5, head, 1000, tail, 99)).isEqualTo(10);
        assertThat(redactor.redact(L7Protocol.HTTP1, true, 0, head, -1, tail, -1)).isZero();
        assertThat(redactor.redact(L7Protocol.REDIS, true, Long.MAX_VALUE, null, 5, null, 5)).isZero();
        assertThat(head).hasSize(15);
        assertThat(tail).isEqualTo(latin1("tail"));
    }

    @Test
    void garbageAndMangledCapturesNeverThrowAndOnlyEverBecomeStars() {
        Random random = new Random(20_260_127L);
        Redactor redactor = new Redactor(new RedactionRules(true, RedactionRules.defaults().httpHeaders(), true, true,
                true, List.of(Pattern.compile("(?i)pass(?:word)?=([^&\\s]*)"))));
        for (int run = 0; run < 20_000; run++) {
            byte[] data = run % 2 == 0 ? randomBytes(random) : mangled(CAPTURES.get(random.nextInt(CAPTURES.size())),
                    random);
            int headLength = random.nextInt(data.length + 1);
            int tailLength = random.nextInt(data.length - headLength + 1);
            long count = data.length + (random.nextBoolean() ? 0 : random.nextInt(1 << 20));
            byte[] head = Arrays.copyOf(data, headLength);
            byte[] tail = Arrays.copyOfRange(data, data.length - tailLength, data.length);
            byte[] headBefore = head.clone();
            byte[] tailBefore = tail.clone();
            L7Protocol protocol = L7Protocol.values()[random.nextInt(L7Protocol.values().length)];

            int masked = redactor.redact(protocol, random.nextBoolean(), count, head, headLength, tail, tailLength);

            assertThat(masked).isEqualTo(changedToStars(headBefore, head) + changedToStars(tailBefore, tail));
        }
    }

    /** Bytes that changed, each checked to have become '*'. */
    private static int changedToStars(byte[] before, byte[] after) {
        assertThat(after).hasSameSizeAs(before);
        int changed = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] != after[i]) {
                assertThat(after[i]).isEqualTo((byte) '*');
                changed++;
            }
        }
        return changed;
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        // Sprinkle the bytes every walk looks for, so the garbage reaches past the first check.
        byte[] interesting = latin1("*$\r\n:p\u0000\u0001AUTHhelloCookie: 0123456789 ");
        for (int i = 0; i < bytes.length; i++) {
            if (random.nextInt(3) == 0) {
                bytes[i] = interesting[random.nextInt(interesting.length)];
            }
        }
        return bytes;
    }

    private static byte[] mangled(byte[] capture, Random random) {
        byte[] bytes = Arrays.copyOf(capture, Math.max(1, capture.length - random.nextInt(capture.length / 2 + 1)));
        for (int flips = random.nextInt(4); flips > 0; flips--) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
