package io.tapwire.streams.l7.parse;

import java.io.DataInput;
import java.io.IOException;

/** Makes the parser of one protocol: fresh for a new connection, or restored from its written state. */
public interface ProtocolParserFactory {

    /** The protocol's token as in Coroot's metric names: http, postgres, mysql, redis, memcached, dns. */
    String protocol();

    ProtocolParser create();

    /** @throws IOException if the state is not one {@link ProtocolParser#writeState} of this protocol wrote */
    ProtocolParser restore(DataInput in) throws IOException;
}
