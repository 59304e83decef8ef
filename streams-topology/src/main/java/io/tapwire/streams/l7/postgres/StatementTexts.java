package io.tapwire.streams.l7.postgres;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * Statement text by name, for the prepared statements (Parse) or the portals (Bind) of one connection, so that an
 * Execute names what it runs. Bounded, since it lives in the parser's state: past {@link #MAX_ENTRIES} names or
 * {@link #MAX_CHARS} characters of text the oldest definitions are forgotten (an Execute of one of them then has
 * no text). A connection that defines the same names again and again (pgbench's P0_1…, JDBC's S_1…, the unnamed
 * statement) stays small.
 */
final class StatementTexts {

    static final int MAX_ENTRIES = 256;
    static final int MAX_CHARS = 512 * 1024;

    private final LinkedHashMap<String, String> texts = new LinkedHashMap<>();
    private long chars;

    /** Defines {@code name} (replacing what it named before). */
    void put(String name, String text) {
        remove(name);
        texts.put(name, text);
        chars += text.length();
        Iterator<Map.Entry<String, String>> oldest = texts.entrySet().iterator();
        while (texts.size() > MAX_ENTRIES || chars > MAX_CHARS) {
            chars -= oldest.next().getValue().length();
            oldest.remove();
        }
    }

    /** The text {@code name} stands for, or null when it was never seen (defined before the capture) or forgotten. */
    String get(String name) {
        return texts.get(name);
    }

    void remove(String name) {
        String old = texts.remove(name);
        if (old != null) {
            chars -= old.length();
        }
    }

    void writeState(DataOutput out) throws IOException {
        out.writeInt(texts.size());
        for (Map.Entry<String, String> entry : texts.entrySet()) {
            StateIO.writeString(out, entry.getKey());
            StateIO.writeString(out, entry.getValue());
        }
    }

    static StatementTexts readState(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("corrupt postgres parser state: " + count + " statement texts");
        }
        StatementTexts statements = new StatementTexts();
        for (int i = 0; i < count; i++) {
            String name = StateIO.readString(in);
            String text = StateIO.readString(in);
            if (name == null || text == null) {
                throw new IOException("corrupt postgres parser state: a statement text without a name or text");
            }
            statements.put(name, text);
        }
        return statements;
    }
}
