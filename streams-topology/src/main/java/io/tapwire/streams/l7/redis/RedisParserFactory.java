package io.tapwire.streams.l7.redis;

import java.io.DataInput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;

/** Makes {@link RedisParser}s: one per observed Redis socket. */
public final class RedisParserFactory implements ProtocolParserFactory {

    @Override
    public String protocol() {
        return "redis";
    }

    @Override
    public ProtocolParser create() {
        return new RedisParser();
    }

    @Override
    public ProtocolParser restore(DataInput in) throws IOException {
        return RedisParser.readState(in);
    }
}
