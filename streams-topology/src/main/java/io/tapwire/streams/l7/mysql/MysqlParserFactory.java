package io.tapwire.streams.l7.mysql;

import java.io.DataInput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;

/** Makes {@link MysqlParser}s: the MySQL and MariaDB client/server protocol. */
public final class MysqlParserFactory implements ProtocolParserFactory {

    @Override
    public String protocol() {
        return "mysql";
    }

    @Override
    public ProtocolParser create() {
        return new MysqlParser();
    }

    @Override
    public ProtocolParser restore(DataInput in) throws IOException {
        return MysqlParser.readState(in);
    }
}
