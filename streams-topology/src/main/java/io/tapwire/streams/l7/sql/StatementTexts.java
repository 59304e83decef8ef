package io.tapwire.streams.l7.sql;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * Statement text by the name a connection gave it — a PostgreSQL prepared statement or portal name, a MySQL
 * statement id — so that an execute names what it runs. Bounded, since it lives in the parser's state: past
 * {@link #MAX_ENTRIES} names or {@link #MAX_CHARS} characters of text the oldest definitions are forgotten (an execute
 * of one of them then has no text). A connection that defines the same names again and again (pgbench's P0_1…,
 * JDBC's S_1…, the unnamed statement) stays small.
 *
 * @param <K> the name: a string or a statement id
 */
public final class StatementTexts<K> {

    static final int MAX_ENTRIES = 256;
    static final int MAX_CHARS = 512 * 1024;

    private final LinkedHashMap<K, String> texts = new LinkedHashMap<>();
    private long chars;

    /** Defines {@code name} (replacing what it named before). */
    public void put(K name, String text) {
        remove(name);
        texts.put(name, text);
        chars += text.length();
        Iterator<Map.Entry<K, String>> oldest = texts.entrySet().iterator();
        while (texts.size() > MAX_ENTRIES || chars > MAX_CHARS) {
            chars -= oldest.next().getValue().length();
            oldest.remove();
        }
    }

    /** The text {@code name} stands for, or null when it was never seen (defined before the capture) or forgotten. */
    public String get(K name) {
        return texts.get(name);
    }

    public void remove(K name) {
        String old = texts.remove(name);
        if (old != null) {
            chars -= old.length();
        }
    }

    public void writeState(DataOutput out, StateIO.Writer<? super K> names) throws IOException {
        out.writeInt(texts.size());
        for (Map.Entry<K, String> entry : texts.entrySet()) {
            names.write(out, entry.getKey());
            StateIO.writeString(out, entry.getValue());
        }
    }

    /** {@code protocol} names the parser in errors. */
    public static <K> StatementTexts<K> readState(DataInput in, StateIO.Reader<? extends K> names, String protocol)
            throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("corrupt " + protocol + " parser state: " + count + " statement texts");
        }
        StatementTexts<K> statements = new StatementTexts<>();
        for (int i = 0; i < count; i++) {
            K name = names.read(in);
            String text = StateIO.readString(in);
            if (name == null || text == null) {
                throw new IOException("corrupt " + protocol + " parser state: a statement text without a name or text");
            }
            statements.put(name, text);
        }
        return statements;
    }
}
