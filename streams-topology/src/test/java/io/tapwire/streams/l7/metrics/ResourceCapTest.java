package io.tapwire.streams.l7.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tapwire.streams.l7.parse.StateIO;

class ResourceCapTest {

    @Test
    void eachKeyHasItsOwnCap() {
        ResourceCap<String> cap = new ResourceCap<>(2, 10);

        assertThat(cap.admit("orders/postgres", "SELECT ?")).isEqualTo("SELECT ?");
        assertThat(cap.admit("orders/postgres", "UPDATE t SET a = ?")).isEqualTo("UPDATE t SET a = ?");
        assertThat(cap.admit("orders/postgres", "DELETE FROM t")).isEqualTo("~other");
        assertThat(cap.admit("billing/postgres", "DELETE FROM t")).isEqualTo("DELETE FROM t");
        assertThat(cap.admit("orders/postgres", "SELECT ?")).isEqualTo("SELECT ?");
        assertThat(cap.size()).isEqualTo(2);
    }

    @Test
    void theLeastRecentlyUsedKeyIsForgottenAndStartsOverWhenItComesBack() {
        ResourceCap<String> cap = new ResourceCap<>(1, 2);
        cap.admit("k1", "a");
        assertThat(cap.admit("k1", "b")).isEqualTo("~other");
        cap.admit("k2", "a");
        cap.admit("k1", "a");
        cap.admit("k3", "a");

        assertThat(cap.contains("k2")).as("used least recently").isFalse();
        assertThat(cap.contains("k1")).isTrue();
        cap.admit("k4", "a");
        assertThat(cap.contains("k1")).isFalse();
        assertThat(cap.admit("k1", "b")).as("started over").isEqualTo("b");
    }

    @Test
    void aNullResourceStaysNullAndRemembersNoKey() {
        ResourceCap<String> cap = new ResourceCap<>();

        assertThat(cap.admit("k", null)).isNull();
        assertThat(cap.size()).isZero();
        assertThat(cap.resourcesPerKey()).isEqualTo(100);
        assertThat(cap.maxKeys()).isEqualTo(10_000);
        assertThatThrownBy(() -> cap.admit(null, "a")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ResourceCap<String>(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStateKeepsTheKeysOrderOfUseSoTheRestoredCapForgetsTheSameKeys() throws IOException {
        ResourceCap<String> cap = new ResourceCap<>(2, 3);
        cap.admit("k1", "a");
        cap.admit("k2", "a");
        cap.admit("k3", "a");
        cap.admit("k1", "b");
        cap.admit("k1", "c");
        byte[] state = write(cap);

        ResourceCap<String> restored = read(state, 2, 3);

        assertThat(write(restored)).isEqualTo(state);
        for (ResourceCap<String> each : List.of(cap, restored)) {
            assertThat(each.admit("k1", "c")).isEqualTo("~other");
            assertThat(each.admit("k1", "b")).isEqualTo("b");
            each.admit("k4", "a");
            assertThat(each.contains("k2")).isFalse();
            assertThat(each.contains("k3")).isTrue();
        }
        assertThat(write(restored)).isEqualTo(write(cap));
    }

    @Test
    void fewerKeysThanStoredKeepsTheMostRecentlyUsed() throws IOException {
        ResourceCap<String> cap = new ResourceCap<>(2, 3);
        cap.admit("k1", "a");
        cap.admit("k2", "a");
        cap.admit("k3", "a");

        ResourceCap<String> restored = read(write(cap), 2, 2);

        assertThat(restored.size()).isEqualTo(2);
        assertThat(restored.contains("k1")).isFalse();
        assertThat(restored.contains("k3")).isTrue();
    }

    private static byte[] write(ResourceCap<String> cap) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cap.writeState(new DataOutputStream(bytes), StateIO::writeString);
        return bytes.toByteArray();
    }

    private static ResourceCap<String> read(byte[] state, int resourcesPerKey, int maxKeys) throws IOException {
        return ResourceCap.readState(new DataInputStream(new ByteArrayInputStream(state)), StateIO::readString,
                resourcesPerKey, maxKeys);
    }
}
