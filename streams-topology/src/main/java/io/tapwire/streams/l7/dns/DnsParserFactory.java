package io.tapwire.streams.l7.dns;

import java.io.DataInput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;

/** Makes {@link DnsParser}s: one per observed DNS socket, UDP or TCP. */
public final class DnsParserFactory implements ProtocolParserFactory {

    @Override
    public String protocol() {
        return "dns";
    }

    @Override
    public ProtocolParser create() {
        return new DnsParser();
    }

    @Override
    public ProtocolParser restore(DataInput in) throws IOException {
        return DnsParser.readState(in);
    }
}
