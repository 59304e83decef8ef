package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;

/** HTTP/1.x ({@link HttpParser}). */
public final class HttpParserFactory implements ProtocolParserFactory {

    /** First byte of a written state; a new layout gets a new number. */
    static final int STATE_VERSION = 2;

    @Override
    public String protocol() {
        return "http";
    }

    @Override
    public ProtocolParser create() {
        return new HttpParser();
    }

    @Override
    public ProtocolParser restore(DataInput in) throws IOException {
        return HttpParser.readState(in);
    }
}
