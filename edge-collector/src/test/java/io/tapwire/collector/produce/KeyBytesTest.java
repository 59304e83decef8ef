package io.tapwire.collector.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyBytesTest {

    private final KeyBytes keyBytes = new KeyBytes();

    @Test
    void aKeySeenAgainReusesItsBytes() {
        String key = "local/node-1/boot/4711";
        byte[] first = keyBytes.of(key);
        assertThat(first).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
        assertThat(keyBytes.of(key)).isSameAs(first);
    }

    @Test
    void everyKeyGetsItsOwnBytesWhateverShareASlot() {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5_000; i++) {
                String key = "prod/n%C3%B6de/" + i + "/ü";
                assertThat(keyBytes.of(key)).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
            }
        }
        String key = new String("local/node-1/boot/1");
        assertThat(keyBytes.of(new String(key))).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noKeyHasNoBytes() {
        assertThat(keyBytes.of(null)).isNull();
    }
}
