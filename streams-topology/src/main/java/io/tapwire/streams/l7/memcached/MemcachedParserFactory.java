package io.tapwire.streams.l7.memcached;

import java.io.DataInput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;

/** Memcached's text protocol ({@link MemcachedParser}). */
public final class MemcachedParserFactory implements ProtocolParserFactory {

    /** First byte of a written state; a new layout gets a new number. */
    static final int STATE_VERSION = 2;

    @Override
    public String protocol() {
        return "memcached";
    }

    @Override
    public ProtocolParser create() {
        return new MemcachedParser();
    }

    @Override
    public ProtocolParser restore(DataInput in) throws IOException {
        return MemcachedParser.readState(in);
    }
}
