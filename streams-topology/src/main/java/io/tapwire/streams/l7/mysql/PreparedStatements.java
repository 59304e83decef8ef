package io.tapwire.streams.l7.mysql;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * The text of each prepared statement of one connection by the id the server gave it in its STMT_PREPARE OK, so
 * that a STMT_EXECUTE names what it runs. Bounded, since it lives in the parser's state: past {@link #MAX_ENTRIES}
 * statements or {@link #MAX_CHARS} characters the oldest are forgotten (an execute of one of them has no text).
 */
final class PreparedStatements {

    static final int MAX_ENTRIES = 256;
    static final int MAX_CHARS = 512 * 1024;

    private final LinkedHashMap<Long, String> texts = new LinkedHashMap<>();
    private long chars;

    void put(long id, String text) {
        remove(id);
        texts.put(id, text);
        chars += text.length();
        Iterator<Map.Entry<Long, String>> oldest = texts.entrySet().iterator();
        while (texts.size() > MAX_ENTRIES || chars > MAX_CHARS) {
            chars -= oldest.next().getValue().length();
            oldest.remove();
        }
    }

    /** The statement's text, or null when it was prepared before the capture began, or forgotten. */
    String get(long id) {
        return texts.get(id);
    }

    void remove(long id) {
        String old = texts.remove(id);
        if (old != null) {
            chars -= old.length();
        }
    }

    void writeState(DataOutput out) throws IOException {
        out.writeInt(texts.size());
        for (Map.Entry<Long, String> entry : texts.entrySet()) {
            out.writeLong(entry.getKey());
            StateIO.writeString(out, entry.getValue());
        }
    }

    static PreparedStatements readState(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("corrupt mysql parser state: " + count + " prepared statements");
        }
        PreparedStatements statements = new PreparedStatements();
        for (int i = 0; i < count; i++) {
            long id = in.readLong();
            String text = StateIO.readString(in);
            if (text == null) {
                throw new IOException("corrupt mysql parser state: prepared statement " + id + " without text");
            }
            statements.put(id, text);
        }
        return statements;
    }
}
