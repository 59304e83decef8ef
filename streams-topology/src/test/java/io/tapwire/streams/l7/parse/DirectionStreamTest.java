package io.tapwire.streams.l7.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DirectionStreamTest {

    private static Segment segment(long offset, long count, String head, String tail, long seq) {
        return new Segment(true, offset, count, head.getBytes(StandardCharsets.ISO_8859_1),
                tail.getBytes(StandardCharsets.ISO_8859_1), true, 1000 + offset, 2000 + offset, seq);
    }

    @Test
    void capturedBytesAreReadableUpToTheFirstStretchThatWasNotCaptured() {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 16, "GET / HTTP/1.1\r\n", "", 100));
        stream.append(segment(16, 100, "Host: a\r\n", "\r\n\r\n", 116));

        assertThat(stream.knownAhead()).isEqualTo(16 + 9);
        assertThat(new String(stream.bytes(0, 5), StandardCharsets.ISO_8859_1)).isEqualTo("GET /");
        assertThat(stream.indexOf("Host".getBytes(StandardCharsets.ISO_8859_1), 0)).isEqualTo(16);
        assertThat(stream.end()).isEqualTo(116);
        assertThat(stream.seqAt(20)).isEqualTo(120);
        assertThat(stream.timeAt(0)).as("a segment's first byte").isEqualTo(1000);
        assertThat(stream.timeAt(3)).as("its other bytes").isEqualTo(2000);

        stream.consume(25);
        assertThat(stream.atUncaptured()).isTrue();
        assertThat(stream.knownAhead()).isZero();
        assertThat(stream.skipUncaptured()).isEqualTo(112 - 25);
        assertThat(stream.position()).isEqualTo(112);
        assertThat(new String(stream.bytes(0, 4), StandardCharsets.ISO_8859_1)).isEqualTo("\r\n\r\n");
        assertThat(stream.skippedBytes()).isEqualTo(87);
    }

    @Test
    void aNeedleAndABytesReadThatSpanTwoSegmentsAreFoundAndReadWhole() {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 18, "GET / HTTP/1.1\r\nX:", "", 100));
        stream.append(segment(18, 6, " y\r\n\r\n", "", 118));
        byte[] headEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(stream.indexOf(headEnd, 0)).as("in the second segment, past a false start in the first").isEqualTo(20);
        assertThat(stream.indexOf("X: y".getBytes(StandardCharsets.ISO_8859_1), 0)).as("across both").isEqualTo(16);
        assertThat(stream.indexOf("\r\nX".getBytes(StandardCharsets.ISO_8859_1), 0)).isEqualTo(14);
        assertThat(stream.indexOf("\r\nX".getBytes(StandardCharsets.ISO_8859_1), 15)).as("searched from past it").isEqualTo(-1);
        assertThat(stream.indexOf("HTTP".getBytes(StandardCharsets.ISO_8859_1), 7)).isEqualTo(-1);
        assertThat(new String(stream.bytes(0, 24), StandardCharsets.ISO_8859_1)).isEqualTo("GET / HTTP/1.1\r\nX: y\r\n\r\n");
        assertThat(new String(stream.bytes(6, 8), StandardCharsets.ISO_8859_1)).as("within the first").isEqualTo("HTTP/1.1");
        stream.consume(17);
        assertThat(new String(stream.bytes(0, 4), StandardCharsets.ISO_8859_1)).as("after consuming").isEqualTo(": y\r");
    }

    @Test
    void aSearchWithALimitFindsOnlyANeedleThatEndsWithinIt() {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 12, "abc\r\n\r\ndefgh", "", -1));
        byte[] headEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(stream.indexOf(headEnd, 0, 7)).as("ends at 7").isEqualTo(3);
        assertThat(stream.indexOf(headEnd, 0, 6)).as("would end past 6").isEqualTo(-1);
        assertThat(stream.indexOf(headEnd, 0, 100)).as("a limit past the captured bytes").isEqualTo(3);
    }

    @Test
    void bytesPastAStretchNotCapturedCanBeReadButAreNotKnownAhead() {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 100, "head", "tail", -1));

        assertThat(stream.knownAhead()).isEqualTo(4);
        assertThat((char) stream.byteAt(96)).as("the tail's first byte").isEqualTo('t');
        assertThat(stream.readable(4)).as("all of them arrived").isEqualTo(4);
        assertThat(stream.readable(10)).as("cut by the capture").isEqualTo(4);

        DirectionStream arriving = new DirectionStream();
        arriving.append(segment(0, 4, "head", "", -1));
        assertThat(arriving.readable(10)).as("the rest is still to come").isEqualTo(-1);
    }

    @Test
    void aGapBetweenSegmentsIsUncapturedAndConsumingAheadDropsBytesThatComeLater() {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 4, "abcd", "", -1));
        stream.append(segment(10, 4, "klmn", "", -1));
        stream.consume(4);
        assertThat(stream.atUncaptured()).isTrue();
        stream.consume(20);
        stream.append(segment(14, 20, "0123456789ABCDEFGHIJ", "", -1));
        assertThat(stream.position()).isEqualTo(24);
        assertThat(new String(stream.bytes(0, 3), StandardCharsets.ISO_8859_1)).isEqualTo("ABC");
        assertThat(stream.seqAt(0)).isEqualTo(-1);
    }

    @Test
    void aRepeatedSegmentAddsNothing() {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 4, "abcd", "", -1));
        stream.append(segment(0, 4, "abcd", "", -1));
        assertThat(stream.knownAhead()).isEqualTo(4);
        assertThat(stream.end()).isEqualTo(4);
    }

    @Test
    void theStateRoundTrips() throws Exception {
        DirectionStream stream = new DirectionStream();
        stream.append(segment(0, 100, "head", "tail", 7));
        stream.consume(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        stream.writeState(new DataOutputStream(bytes));

        DirectionStream restored = DirectionStream.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertThat(restored.position()).isEqualTo(2);
        assertThat(restored.end()).isEqualTo(100);
        assertThat(restored.knownAhead()).isEqualTo(2);
        assertThat(restored.seqAt(0)).isEqualTo(9);
        restored.consume(2);
        restored.skipUncaptured();
        assertThat(new String(restored.bytes(0, 4), StandardCharsets.ISO_8859_1)).isEqualTo("tail");
    }

    @Test
    void capturedBytesBeyondTheBoundBecomeUncaptured() {
        DirectionStream stream = new DirectionStream();
        byte[] big = new byte[16 * 1024];
        for (int i = 0; i < 20; i++) {
            stream.append(new Segment(true, (long) i * big.length, big.length, big, new byte[0], true, 0, 0, -1));
        }
        assertThat(stream.atUncaptured()).as("the oldest bytes were let go").isTrue();
        stream.skipUncaptured();
        assertThat(stream.knownAhead()).isLessThanOrEqualTo(DirectionStream.MAX_BUFFERED);
    }
}
