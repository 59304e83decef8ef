package io.tapwire.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * Avro's binary encoding written straight into one growable array that is reused from record to record: the bytes
 * Avro's own (buffered) binary encoder writes, with less copying. Avro's encoder writes into its buffer, flushes that
 * to an OutputStream, and the stream's array is copied out; it also copies every {@code bytes} field into a new array
 * first (it hands a read-only view of the ByteBuffer on, which has no array). Here a record's bytes are copied once,
 * into the array {@link #toByteArray} returns.
 *
 * <p>Short strings are encoded to UTF-8 once and kept by content in a small table: the raw records repeat the same
 * few strings (cluster, node, boot id, the task's name, the syscall) on every record.
 *
 * <p>Not thread-safe: one per thread, like {@link AvroCodec}.
 */
final class ArrayBinaryEncoder extends BinaryEncoder {

    private static final int CACHED_STRING_SLOTS = 64;
    private static final int CACHED_STRING_MAX_CHARS = 64;

    private byte[] bytes = new byte[512];
    private int position;
    private final String[] cachedStrings = new String[CACHED_STRING_SLOTS];
    private final byte[][] cachedUtf8 = new byte[CACHED_STRING_SLOTS][];

    /** Starts a new record: {@code prefix} (a wire-format header, or nothing), then what is written next. */
    void reset(byte[] prefix) {
        position = 0;
        writeFixed(prefix, 0, prefix.length);
    }

    /** The bytes written since {@link #reset}. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, position);
    }

    @Override
    public void writeBoolean(boolean b) {
        room(1);
        bytes[position++] = (byte) (b ? 1 : 0);
    }

    @Override
    public void writeInt(int n) {
        room(5);
        position += BinaryData.encodeInt(n, bytes, position);
    }

    @Override
    public void writeLong(long n) {
        room(10);
        position += BinaryData.encodeLong(n, bytes, position);
    }

    @Override
    public void writeFloat(float f) {
        room(4);
        position += BinaryData.encodeFloat(f, bytes, position);
    }

    @Override
    public void writeDouble(double d) {
        room(8);
        position += BinaryData.encodeDouble(d, bytes, position);
    }

    @Override
    public void writeFixed(byte[] source, int start, int length) {
        room(length);
        System.arraycopy(source, start, bytes, position, length);
        position += length;
    }

    /** The buffer's remaining bytes; its position is left as it was. */
    @Override
    public void writeFixed(ByteBuffer source) {
        int length = source.remaining();
        if (source.hasArray()) {
            writeFixed(source.array(), source.arrayOffset() + source.position(), length);
        } else {
            room(length);
            source.get(source.position(), bytes, position, length);
            position += length;
        }
    }

    @Override
    public void writeString(String string) {
        if (string.length() > CACHED_STRING_MAX_CHARS) {
            byte[] utf8 = string.getBytes(StandardCharsets.UTF_8);
            writeInt(utf8.length);
            writeFixed(utf8, 0, utf8.length);
            return;
        }
        int slot = string.hashCode() & (CACHED_STRING_SLOTS - 1);
        byte[] utf8 = cachedUtf8[slot];
        if (!string.equals(cachedStrings[slot])) {
            utf8 = string.getBytes(StandardCharsets.UTF_8);
            cachedStrings[slot] = string;
            cachedUtf8[slot] = utf8;
        }
        writeInt(utf8.length);
        writeFixed(utf8, 0, utf8.length);
    }

    @Override
    protected void writeZero() {
        room(1);
        bytes[position++] = 0;
    }

    @Override
    public int bytesBuffered() {
        return position;
    }

    @Override
    public void flush() {
    }

    private void room(int length) {
        if (bytes.length - position < length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, position + length));
        }
    }
}
