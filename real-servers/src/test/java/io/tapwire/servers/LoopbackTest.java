package io.tapwire.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackTest {

    @Test
    void neverHandsOutAPortTwice() {
        // The kernel picks ephemeral ports at random from ~28k: a thousand picks repeat one ~17 times on average.
        // A repeated port would let a later server's test count an earlier server's records as its own.
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(ports.add(Loopback.freePort())).as("pick %d is a port not handed out before", i).isTrue();
        }
    }
}
