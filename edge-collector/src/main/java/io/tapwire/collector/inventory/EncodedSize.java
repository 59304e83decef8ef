package io.tapwire.collector.inventory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The exact Avro binary size of records of one class, measured by encoding them into a counter (nothing is kept).
 * Not thread-safe.
 */
final class EncodedSize<T extends SpecificRecord> {

    private static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }

    private final SpecificDatumWriter<T> writer;
    private final Counter counter = new Counter();
    private BinaryEncoder encoder;

    EncodedSize(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
    }

    long of(T record) {
        counter.count = 0;
        encoder = EncoderFactory.get().directBinaryEncoder(counter, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + record.getClass().getSimpleName(), e);
        }
        return counter.count;
    }
}
