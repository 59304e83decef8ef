package io.tapwire.streams.l7.redis;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.StateIO;

/** A request waiting for its reply. */
record RedisRequest(String operation, String resource, long startNs, long bytes, long seq) {

    static RedisRequest of(RespMessage request) {
        String operation = RedisCommand.operation(request);
        return new RedisRequest(operation, RedisCommand.resource(operation, request), request.firstNs(),
                request.length(), request.seq());
    }

    void write(DataOutput out) throws IOException {
        StateIO.writeString(out, operation);
        StateIO.writeString(out, resource);
        out.writeLong(startNs);
        out.writeLong(bytes);
        out.writeLong(seq);
    }

    static RedisRequest read(DataInput in) throws IOException {
        return new RedisRequest(StateIO.readString(in), StateIO.readString(in), in.readLong(), in.readLong(),
                in.readLong());
    }
}
