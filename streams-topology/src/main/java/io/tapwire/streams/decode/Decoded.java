package io.tapwire.streams.decode;

import io.tapwire.schemas.derived.DeadLetter;

/** The outcome of decoding one raw record: its value, or the dead letter that explains why there is none. */
record Decoded<V>(V value, DeadLetter deadLetter) {

    boolean ok() {
        return deadLetter == null;
    }
}
