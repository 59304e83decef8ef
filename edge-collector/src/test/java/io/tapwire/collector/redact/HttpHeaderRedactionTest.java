package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.concat;
import static io.tapwire.collector.redact.Bytes.latin1;
import static io.tapwire.collector.redact.Bytes.masking;
import static io.tapwire.collector.redact.Bytes.stars;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HttpHeaderRedactionTest {

    private static final int HEAD = 16384;
    private static final int TAIL = 64;

    private final Redactor defaults = Redactor.defaults();

    @Test
    void curlsBasicAuthAndCookieValuesAreMaskedAndEveryOtherByteIsKept() {
        byte[] request = Captures.curlBasicAuthAndCookie();
        Shipped shipped = Shipped.of(request, HEAD, TAIL);

        int masked = shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.of(masking(request, "Basic dXNlcjpwYXNz", "session=abc"), HEAD, TAIL));
        assertThat(masked).isEqualTo("Basic dXNlcjpwYXNz".length() + "session=abc".length());
    }

    @Test
    void aResponsesSetCookieValueIsMasked() {
        byte[] response = Captures.pythonResponseSettingCookie();
        Shipped shipped = Shipped.of(response, HEAD, TAIL);

        shipped.redactBy(defaults, L7Protocol.HTTP1, false);

        shipped.shouldEqual(Shipped.of(masking(response, "session=9f8e7d6c; Path=/; HttpOnly"), HEAD, TAIL));
    }

    @Test
    void namesCompareCaseInsensitivelyAndBareLineFeedsEndLines() {
        byte[] request = latin1("GET /admin HTTP/1.1\nhost: intranet\nAUTHORIZATION: Bearer eyJhbGciOiJIUzI1NiJ9\n"
                + "proxy-authorization: Basic cHJveHk6cHc=\ncookie:theme=dark\n\n");
        Shipped shipped = Shipped.whole(request);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.whole(
                masking(request, "Bearer eyJhbGciOiJIUzI1NiJ9", "Basic cHJveHk6cHc=", "theme=dark")));
    }

    @Test
    void aConfiguredExtraHeaderIsMaskedAsWellAsTheDefaultOnes() {
        byte[] request = Captures.curlLoginForm();
        List<String> headers = List.of("Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization", "X-Api-Key");
        Redactor withApiKey = new Redactor(new RedactionRules(true, headers, true, true, true, List.of()));
        Shipped byDefault = Shipped.whole(request);
        Shipped configured = Shipped.whole(request);

        byDefault.redactBy(defaults, L7Protocol.HTTP1, true);
        configured.redactBy(withApiKey, L7Protocol.HTTP1, true);

        byDefault.shouldEqual(Shipped.whole(masking(request, "Basic dXNlcjpwYXNz")));
        configured.shouldEqual(Shipped.whole(masking(request, "Basic dXNlcjpwYXNz", "k-7f3a9c")));
    }

    @Test
    void aFoldedContinuationOfASecretHeaderIsMaskedToo() {
        byte[] request = latin1("GET / HTTP/1.1\r\nAuthorization: Basic\r\n\tdXNlcjpwYXNz\r\nAccept: */*\r\n\r\n");
        Shipped shipped = Shipped.whole(request);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.whole(masking(request, "Basic", "dXNlcjpwYXNz")));
    }

    @Test
    void pipelinedRequestsAreEachReadAndABodyOfKnownLengthIsNotReadAsHeaders() {
        String body = "Cookie: pasted into a support ticket\r\n";
        byte[] requests = latin1("POST /tickets HTTP/1.1\r\nHost: desk\r\nContent-Length: " + body.length()
                + "\r\nCookie: session=first\r\n\r\n" + body
                + "GET /tickets/7 HTTP/1.1\r\nHost: desk\r\nCookie: session=second\r\n\r\n"
                + "GET /tickets/8 HTTP/1.1\r\nHost: desk\r\nAuthorization: Bearer third\r\n\r\n");
        Shipped shipped = Shipped.of(requests, HEAD, TAIL);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.of(
                masking(requests, "session=first", "session=second", "Bearer third"), HEAD, TAIL));
    }

    @Test
    void aPipelinedRequestAfterAChunkedBodyIsStillRead() {
        byte[] requests = latin1("POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "GET /done HTTP/1.1\r\nAuthorization: Bearer after-chunks\r\n\r\n");
        Shipped shipped = Shipped.whole(requests);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.whole(masking(requests, "Bearer after-chunks")));
    }

    @Test
    void responsesAfterAnInterimResponseAndAfterABodyAreRead() {
        // A response body's length cannot be trusted from the head alone (a response to HEAD has a Content-Length
        // and no body), so the lines after a body are read too: a body line that reads like Set-Cookie is masked.
        byte[] responses = latin1("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nContent-Length: 17\r\n\r\nset-cookie: b=2\r\n"
                + "HTTP/1.1 200 OK\r\nSet-Cookie: c=3\r\nContent-Length: 0\r\n\r\n");
        Shipped shipped = Shipped.whole(responses);

        shipped.redactBy(defaults, L7Protocol.HTTP1, false);

        shipped.shouldEqual(Shipped.whole(masking(responses, "a=1", "b=2", "c=3")));
    }

    @Test
    void aValueRunningOffTheHeadIsMaskedToTheHeadsEndAndInTheTailUpToItsFirstLineEnd() {
        String cookie = "session=" + "a1b2c3d4".repeat(40);
        byte[] request = latin1("GET /cart HTTP/1.1\r\nHost: shop\r\nCookie: " + cookie + "\r\nAccept: */*\r\n\r\n");
        Shipped shipped = Shipped.of(request, 64, 24);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        // head: the first 24 bytes of the value; tail: the last 7 bytes of it, then "\r\nAccept: */*\r\n\r\n"
        shipped.shouldEqual(Shipped.of(masking(request, cookie), 64, 24));
        assertThat(shipped.tail()).isEqualTo(latin1(stars(7) + "\r\nAccept: */*\r\n\r\n"));
    }

    @Test
    void withUnseenBytesAfterAHeadEndingInASecretTheTailsFirstLineIsMaskedEvenWhenItIsAnotherHeader() {
        String cookie = "session=" + "a1b2c3d4".repeat(40);
        byte[] request = latin1("GET /cart HTTP/1.1\r\nHost: shop\r\nCookie: " + cookie + "\r\nAccept: */*\r\n\r\n");
        Shipped shipped = Shipped.of(request, 64, 10);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        // The tail "t: */*\r\n\r\n" cannot be told from the end of the cookie: its first line is masked.
        assertThat(shipped.tail()).isEqualTo(latin1(stars(6) + "\r\n\r\n"));
        assertThat(shipped.head()).isEqualTo(Shipped.of(masking(request, cookie), 64, 10).head());
    }

    @Test
    void aValueSplitBetweenHeadAndATailThatFollowsItDirectlyIsMaskedExactly() {
        String cookie = "session=" + "a1b2c3d4".repeat(40);
        byte[] request = latin1("GET /cart HTTP/1.1\r\nHost: shop\r\nCookie: " + cookie + "\r\nAccept: */*\r\n\r\n");
        int head = request.length - 30;
        Shipped shipped = Shipped.of(request, head, TAIL);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.of(masking(request, cookie), head, TAIL));
    }

    @Test
    void aHeaderNameSplitBetweenHeadAndADirectlyFollowingTailIsReadAcrossBoth() {
        byte[] request = latin1("GET / HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer eyJhbGciOi\r\n"
                + "Accept-Encoding: gzip\r\n\r\n");
        int inAuthorization = Bytes.indexOf(request, latin1("Authorization"), 0) + 5;
        int inAcceptEncoding = Bytes.indexOf(request, latin1("Accept-Encoding"), 0) + 6;
        Shipped splitSecret = Shipped.of(request, inAuthorization, TAIL);
        Shipped splitOther = Shipped.of(request, inAcceptEncoding, TAIL);

        splitSecret.redactBy(defaults, L7Protocol.HTTP1, true);
        splitOther.redactBy(defaults, L7Protocol.HTTP1, true);

        byte[] expected = masking(request, "Bearer eyJhbGciOi");
        splitSecret.shouldEqual(Shipped.of(expected, inAuthorization, TAIL));
        splitOther.shouldEqual(Shipped.of(expected, inAcceptEncoding, TAIL));
    }

    @Test
    void withUnseenBytesAfterAHeadEndingInASecretHeadersNameTheTailsFirstLineIsMasked() {
        String token = "Bearer " + "eyJhbGciOi".repeat(20);
        byte[] request = latin1("GET / HTTP/1.1\r\nHost: api\r\nAuthorization: " + token + "\r\nAccept: */*\r\n\r\n");
        int inAuthorization = Bytes.indexOf(request, latin1("Authorization"), 0) + 5;
        Shipped shipped = Shipped.of(request, inAuthorization, 30);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        assertThat(shipped.head()).isEqualTo(Shipped.of(request, inAuthorization, 30).head());
        assertThat(shipped.tail()).isEqualTo(latin1(stars(13) + "\r\nAccept: */*\r\n\r\n"));
    }

    @Test
    void withUnseenBytesAfterAHeadEndingInAnOrdinaryLineOnlyWholeSecretLinesOfTheTailAreMasked() {
        byte[] request = latin1("GET / HTTP/1.1\r\nUser-Agent: " + "Mozilla/5.0 ".repeat(30) + "\r\n"
                + "Cookie: s=1\r\n\r\n");
        Shipped shipped = Shipped.of(request, 40, 28);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.of(masking(request, "s=1"), 40, 28));
        assertThat(shipped.tail()).isEqualTo(latin1("ozilla/5.0 \r\nCookie: ***\r\n\r\n"));
    }

    @Test
    void aPipelinedRequestAfterALongBodyIsMaskedInTheTail() {
        byte[] requests = concat(
                latin1("POST /import HTTP/1.1\r\nHost: etl\r\nContent-Length: 20000\r\n\r\n"),
                latin1("x".repeat(20000)),
                latin1("GET /status HTTP/1.1\r\nCookie: s=42\r\n\r\n"));
        Shipped shipped = Shipped.of(requests, HEAD, TAIL);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.of(masking(requests, "s=42"), HEAD, TAIL));
    }

    @Test
    void theRestOfABodyOfKnownLengthInADirectlyFollowingTailIsNotReadAsHeaders() {
        String body = "x".repeat(100) + "\r\nCookie: quoted in a body\r\n";
        byte[] requests = latin1("POST /notes HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET / HTTP/1.1\r\nCookie: s=42\r\n\r\n");
        int head = requests.length - 60;
        Shipped shipped = Shipped.of(requests, head, TAIL);

        shipped.redactBy(defaults, L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.of(masking(requests, "s=42"), head, TAIL));
    }

    @Test
    void switchedOffTheHttpRuleLeavesEveryByte() {
        byte[] request = Captures.curlBasicAuthAndCookie();
        Redactor noHttp = new Redactor(new RedactionRules(true, List.of(), true, true, true, List.of()));
        Shipped shipped = Shipped.whole(request);

        int masked = shipped.redactBy(noHttp, L7Protocol.HTTP1, true);

        assertThat(masked).isZero();
        shipped.shouldEqual(Shipped.whole(request));
    }

    @Test
    void theLineEndSearchFindsWhatAByteByByteSearchFinds() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            // Few distinct values, so the sought byte, its neighbours and bytes with the high bit set all occur.
            byte[] alphabet = {'\n', '\r', 'a', (byte) 0x8A, (byte) 0x0B, (byte) 0x09, 0, (byte) 0xFF};
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int to = from + random.nextInt(bytes.length - from + 1);
            for (byte value : alphabet) {
                int expected = -1;
                for (int i = from; i < to && expected < 0; i++) {
                    expected = bytes[i] == value ? i : -1;
                }
                assertThat(HttpHeaderRedaction.indexOf(bytes, value, from, to))
                        .as("%s in [%d, %d) of %s", value, from, to, java.util.Arrays.toString(bytes))
                        .isEqualTo(expected);
            }
        }
    }
}
