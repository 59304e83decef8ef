package io.tapwire.streams.l7.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AdmittedResourcesTest {

    @Test
    void theFirstSeenAreAdmittedAndLaterOnesBecomeOther() {
        AdmittedResources resources = new AdmittedResources(3);
        List<String> reported = new ArrayList<>();
        for (String resource : List.of("a", "b", "a", "c", "d", "e", "b", "d")) {
            reported.add(resources.admit(resource));
        }

        assertThat(reported).containsExactly("a", "b", "a", "c", "~other", "~other", "b", "~other");
        assertThat(resources.resources()).containsExactly("a", "b", "c");
        assertThat(resources.isAdmitted("d")).isFalse();
    }

    @Test
    void theDefaultCapacityIsAHundred() {
        AdmittedResources resources = new AdmittedResources();
        for (int i = 0; i < 100; i++) {
            assertThat(resources.admit("SELECT " + i)).isEqualTo("SELECT " + i);
        }
        assertThat(resources.admit("SELECT 100")).isEqualTo(AdmittedResources.OTHER);
        assertThat(resources.admit("SELECT 0")).isEqualTo("SELECT 0");
        assertThat(resources.size()).isEqualTo(100);
        assertThat(resources.capacity()).isEqualTo(AdmittedResources.DEFAULT_CAPACITY);
    }

    @Test
    void nullStaysNullAndOtherStaysOtherWithoutTakingRoom() {
        AdmittedResources resources = new AdmittedResources(1);

        assertThat(resources.admit(null)).isNull();
        assertThat(resources.admit("~other")).isEqualTo("~other");
        assertThat(resources.admit("GET /users/{id}")).isEqualTo("GET /users/{id}");
        assertThat(resources.admit(null)).isNull();
        assertThat(resources.resources()).containsExactly("GET /users/{id}");
    }

    @Test
    void aCapacityOfZeroReportsEveryResourceAsOther() {
        AdmittedResources resources = new AdmittedResources(0);
        assertThat(resources.admit("a")).isEqualTo("~other");
        assertThat(resources.size()).isZero();
        assertThatThrownBy(() -> new AdmittedResources(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStateReadsBackWithItsOrderAndAnswersAsBefore() throws IOException {
        AdmittedResources resources = new AdmittedResources(3);
        resources.admit("c");
        resources.admit("a");
        resources.admit("b");
        resources.admit("d");
        byte[] state = write(resources);

        AdmittedResources restored = read(state, 3);

        assertThat(restored.resources()).containsExactly("c", "a", "b");
        assertThat(write(restored)).isEqualTo(state);
        assertThat(restored.admit("d")).isEqualTo("~other");
        assertThat(restored.admit("a")).isEqualTo("a");
        assertThat(read(write(new AdmittedResources()), 100).size()).isZero();
    }

    @Test
    void aSmallerCapacityKeepsTheFirstSeenAndALargerOneAdmitsMore() throws IOException {
        AdmittedResources resources = new AdmittedResources(3);
        resources.admit("c");
        resources.admit("a");
        resources.admit("b");
        byte[] state = write(resources);

        AdmittedResources smaller = read(state, 2);
        assertThat(smaller.resources()).containsExactly("c", "a");
        assertThat(smaller.admit("b")).isEqualTo("~other");

        AdmittedResources larger = read(state, 4);
        assertThat(larger.admit("d")).isEqualTo("d");
        assertThat(larger.resources()).containsExactly("c", "a", "b", "d");
    }

    @Test
    void aStateOfAnotherVersionIsRefused() throws IOException {
        byte[] state = write(new AdmittedResources());
        state[3] = 7;
        assertThatThrownBy(() -> read(state, 100)).isInstanceOf(IOException.class).hasMessageContaining("version 7");
    }

    static byte[] write(AdmittedResources resources) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        resources.writeState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static AdmittedResources read(byte[] state, int capacity) throws IOException {
        return AdmittedResources.readState(new DataInputStream(new ByteArrayInputStream(state)), capacity);
    }
}
