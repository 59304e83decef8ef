package io.tapwire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** Whatever is written, the bytes are the ones Avro's own binary encoder writes. */
class ArrayBinaryEncoderTest {

    private static final byte[] NO_PREFIX = new byte[0];

    private final ArrayBinaryEncoder encoder = new ArrayBinaryEncoder();

    @FunctionalInterface
    private interface Writes {
        void to(Encoder encoder) throws IOException;
    }

    @Test
    void numbersBooleansAndStructureAreWrittenAsAvroWritesThem() throws IOException {
        assertSameAsAvro(e -> {
            for (long n : new long[] {0, 1, -1, 63, -64, 64, -65, 8191, -8192, Integer.MAX_VALUE, Integer.MIN_VALUE,
                Long.MAX_VALUE, Long.MIN_VALUE}) {
                e.writeLong(n);
                e.writeInt((int) n);
            }
            for (float f : new float[] {0f, -0f, 1.5f, Float.NaN, Float.MIN_VALUE, Float.NEGATIVE_INFINITY}) {
                e.writeFloat(f);
            }
            for (double d : new double[] {0d, -0d, Math.PI, Double.NaN, Double.MAX_VALUE}) {
                e.writeDouble(d);
            }
            e.writeBoolean(true);
            e.writeBoolean(false);
            e.writeNull();
            e.writeEnum(3);
            e.writeIndex(1);
            e.writeArrayStart();
            e.setItemCount(2);
            e.startItem();
            e.writeInt(7);
            e.startItem();
            e.writeInt(8);
            e.writeArrayEnd();
            e.writeMapStart();
            e.setItemCount(0);
            e.writeMapEnd();
            e.writeFixed(new byte[] {1, 2, 3});
        });
    }

    @Test
    void stringsAreWrittenAsAvroWritesThemFirstTimeAndAgain() throws IOException {
        // "Aa" and "BB" have the same hash: they take turns in one slot of the table.
        String[] strings = {"", "prod", "42ce85eb-b8c0-47a2-b3ac-423478b5c812", "s-1f/é%", "€ and 😀", "Aa", "BB", "Aa",
            new String("prod".toCharArray()), "x".repeat(64), "y".repeat(65), "é".repeat(1000)};
        Writes writes = e -> {
            for (String s : strings) {
                e.writeString(s);
            }
            e.writeString(new Utf8("utf8 é"));
            e.writeString((CharSequence) new StringBuilder("a builder"));
        };
        assertSameAsAvro(writes);
        assertSameAsAvro(writes);
    }

    @Test
    void bytesAreWrittenFromAnyBufferWhichStaysWhereItWas() throws IOException {
        byte[] backing = new byte[64];
        for (int i = 0; i < backing.length; i++) {
            backing[i] = (byte) (i * 7);
        }
        ByteBuffer slice = ByteBuffer.wrap(backing, 8, 40).slice().position(5);
        ByteBuffer readOnly = ByteBuffer.wrap(backing).position(3).asReadOnlyBuffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(32).put(backing, 0, 32).flip().position(2);
        ByteBuffer empty = ByteBuffer.allocate(0);
        Writes writes = e -> {
            for (ByteBuffer buffer : new ByteBuffer[] {slice, readOnly, direct, empty}) {
                e.writeBytes(buffer);
                e.writeFixed(buffer);
            }
            e.writeBytes(backing, 10, 20);
        };

        assertSameAsAvro(writes);

        assertThat(slice.position()).isEqualTo(5);
        assertThat(readOnly.position()).isEqualTo(3);
        assertThat(direct.position()).isEqualTo(2);
    }

    @Test
    void eachRecordStartsWithItsPrefixAfterALargerOne() throws IOException {
        byte[] large = new byte[100_000];
        Arrays.fill(large, (byte) 'x');
        encoder.reset(new byte[] {0, 0, 0, 0, 42});
        encoder.writeBytes(large);
        assertThat(encoder.toByteArray()).hasSize(5 + 3 + large.length);

        encoder.reset(new byte[] {9});
        encoder.writeLong(-1);

        assertThat(encoder.toByteArray()).containsExactly(9, 1);
    }

    private void assertSameAsAvro(Writes writes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder avro = EncoderFactory.get().binaryEncoder(out, null);
        writes.to(avro);
        avro.flush();

        encoder.reset(NO_PREFIX);
        writes.to(encoder);

        assertThat(encoder.toByteArray()).isEqualTo(out.toByteArray());
    }
}
