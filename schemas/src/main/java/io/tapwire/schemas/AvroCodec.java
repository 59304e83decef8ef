package io.tapwire.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary encoding of one generated record class (no registry framing): the building block of the
 * wire-format serdes. Decoding can resolve data written with another (older or newer) schema of the same
 * record into this class. Not thread-safe: one instance per thread.
 */
public final class AvroCodec<T extends SpecificRecord> {

    static {
        AvroTrust.install();
    }

    private static final byte[] EMPTY = new byte[0];

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificDatumWriter<T> writer;
    private final ArrayBinaryEncoder encoder = new ArrayBinaryEncoder();
    private BinaryDecoder decoder;
    /** Readers by writer schema: building the resolution of two schemas is far costlier than a decode. */
    private final Map<Schema, SpecificDatumReader<T>> readers = new HashMap<>();

    /**
     * The generated classes' own encoders and decoders (customEncode/customDecode), which Avro 1.12 leaves off by
     * default: they write and read fields directly instead of through the generic path (getField, resolveUnion).
     */
    private final SpecificData customCoders;

    private AvroCodec(Class<T> type) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.customCoders = customCoders(type.getClassLoader());
        this.writer = new SpecificDatumWriter<>(readerSchema, customCoders);
    }

    /**
     * Record and enum classes named in a schema are looked up through the loader of the record class itself, not
     * Avro's: where the two differ (Quarkus loads libraries such as Avro apart from the application's own modules),
     * Avro's loader would find no Tapwire class, or another copy of it from the parent class path.
     */
    private static SpecificData customCoders(ClassLoader recordLoader) {
        SpecificData data = new SpecificData(recordLoader);
        data.setCustomCoders(true);
        return data;
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    public Schema schema() {
        return readerSchema;
    }

    public byte[] encode(T record) {
        return encode(record, EMPTY);
    }

    /** {@code prefix} followed by the record's encoding, in one array (a wire-format header, for example). */
    public byte[] encode(T record, byte[] prefix) {
        encoder.reset(prefix);
        try {
            writer.write(record, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
        return encoder.toByteArray();
    }

    /** Decodes bytes written with this class's own schema. */
    public T decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length, readerSchema);
    }

    /** Decodes bytes written with {@code writerSchema}, resolved into this class (schema evolution). */
    public T decode(byte[] bytes, int offset, int length, Schema writerSchema) {
        decoder = DecoderFactory.get().binaryDecoder(bytes, offset, length, decoder);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(writerSchema,
                w -> new SpecificDatumReader<>(w, readerSchema, customCoders));
        T record;
        try {
            record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left over after the record: the data is corrupt or of another schema");
            }
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodeException("cannot decode " + type.getSimpleName() + " (" + length + " bytes): "
                    + e.getMessage(), e);
        }
        return record;
    }
}
