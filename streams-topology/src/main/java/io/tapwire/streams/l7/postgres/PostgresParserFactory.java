package io.tapwire.streams.l7.postgres;

import java.io.DataInput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;

/** Makes {@link PostgresParser}s: PostgreSQL's frontend/backend protocol 3.x. */
public final class PostgresParserFactory implements ProtocolParserFactory {

    @Override
    public String protocol() {
        return "postgres";
    }

    @Override
    public ProtocolParser create() {
        return new PostgresParser();
    }

    @Override
    public ProtocolParser restore(DataInput in) throws IOException {
        return PostgresParser.readState(in);
    }
}
