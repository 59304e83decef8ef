package io.tapwire.streams.l7.parse;

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

class PendingQueueTest {

    @Test
    void theOldestIsDroppedToMakeRoomAndEveryRequestTakenOutUnansweredIsCounted() {
        PendingQueue<String> queue = new PendingQueue<>(3);
        List<String> givenUp = new ArrayList<>();

        assertThat(queue.add("a")).isNull();
        queue.add("b");
        queue.add("c");
        assertThat(queue.add("d")).as("the oldest, dropped to make room").isEqualTo("a");
        queue.dropWhile(request -> request.compareTo("c") < 0, givenUp::add);
        queue.add("e");
        queue.dropIf(request -> request.equals("d"));

        assertThat(givenUp).containsExactly("b");
        assertThat(queue).containsExactly("c", "e");
        assertThat(queue.poll()).as("answered, not dropped").isEqualTo("c");
        assertThat(queue.dropped()).isEqualTo(3);
    }

    @Test
    void theStateKeepsTheRequestsAndWhatWasDropped() throws IOException {
        PendingQueue<String> queue = new PendingQueue<>(2);
        queue.add("a");
        queue.add("b");
        queue.add("c");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        queue.writeState(new DataOutputStream(bytes), StateIO::writeString);

        PendingQueue<String> restored = new PendingQueue<>(2);
        restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), StateIO::readString,
                "test");

        assertThat(restored).containsExactly("b", "c");
        assertThat(restored.dropped()).isEqualTo(1);
        PendingQueue<String> smaller = new PendingQueue<>(1);
        assertThatThrownBy(() -> smaller.readState(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), StateIO::readString, "test"))
                .isInstanceOf(IOException.class).hasMessage("corrupt test parser state: 2 pending requests");
    }
}
