package io.tapwire.collector.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodePidKey;
import org.junit.jupiter.api.Test;

class NodeKeysTest {

    @Test
    void keysAreTheKeyClassesOwnEvenForNamesThatNeedEncoding() {
        NodeIdentity identity = new NodeIdentity("prod/eu%1", "node/7", "b0b/%");
        NodeKeys keys = new NodeKeys(identity);

        for (int pid : new int[] {0, 1, 42, 4_194_304}) {
            assertThat(keys.pid(pid)).isEqualTo(new NodePidKey("prod/eu%1", "node/7", pid).format());
            assertThat(NodePidKey.parse(keys.pid(pid)).pid()).isEqualTo(pid);
        }
        for (long inode : new long[] {0, 7, 4_026_531_840L, Long.MAX_VALUE}) {
            assertThat(keys.connection(inode)).isEqualTo(new ConnectionKey("prod/eu%1", "node/7", "b0b/%", inode).format());
        }
    }

    @Test
    void aConnectionsKeyIsItsOwnHoweverManyOtherConnectionsCameBetween() {
        NodeIdentity identity = new NodeIdentity("prod", "node-7", "boot-1");
        NodeKeys keys = new NodeKeys(identity);

        for (int round = 0; round < 2; round++) {
            for (long i = 0; i < 5_000; i++) {
                for (long socketInode : new long[] {i * 7_919 % 5_003, (1L << 33) + i}) {
                    assertThat(keys.connection(socketInode))
                            .isEqualTo(new ConnectionKey("prod", "node-7", "boot-1", socketInode).format());
                }
            }
        }
    }
}
