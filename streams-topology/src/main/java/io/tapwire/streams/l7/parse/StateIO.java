package io.tapwire.streams.l7.parse;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Small helpers the parsers share to write and read their state: nullable strings and byte arrays of any length, and
 * the writer and reader of one value for the shared containers ({@link PendingQueue}).
 */
public final class StateIO {

    /** Writes one value of a parser's state (a pending request, a map key) for its {@link Reader}. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutput out, T value) throws IOException;
    }

    /** Reads back what its {@link Writer} wrote. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    private StateIO() {
    }

    public static void writeString(DataOutput out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    public static String readString(DataInput in) throws IOException {
        byte[] bytes = readBytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public static void writeBytes(DataOutput out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    public static byte[] readBytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < -1 || length > 64 * 1024 * 1024) {
            throw new IOException("corrupt parser state: a field of " + length + " bytes");
        }
        if (length == -1) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
