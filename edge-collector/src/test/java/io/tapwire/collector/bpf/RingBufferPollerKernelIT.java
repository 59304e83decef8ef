package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapwire.bpf.KernelPrerequisites;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poller reads a real BPF ring buffer from its mapped pages ({@link MappedRingBuffer}): records the kernel wrote,
 * with sizes and bytes the test chose, in a one-page ring that they wrap many times.
 */
class RingBufferPollerKernelIT {

    private static final Duration NO_WAIT = Duration.ZERO;

    private RingWriter writer;
    private final List<byte[]> received = new ArrayList<>();

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @BeforeEach
    void loadWriter() {
        writer = RingWriter.load();
    }

    @AfterEach
    void closeWriter() {
        writer.close();
    }

    private RingBufferPoller poller(int maxRecordSize) {
        return RingBufferPoller.open(writer.object(), RingWriter.MAP, maxRecordSize, this::keep);
    }

    private void keep(ByteBuffer record) {
        assertThat(record.position()).isZero();
        byte[] copy = new byte[record.remaining()];
        record.get(0, copy);
        received.add(copy);
    }

    @Test
    void recordsArriveInOrderWithTheirBytesWhileTheyWrapTheRing() {
        List<byte[]> written = new ArrayList<>();
        long position = 0;
        int straddling = 0;
        try (RingBufferPoller poller = poller(RingWriter.MAX_WRITE)) {
            for (int seq = 0; seq < 300; seq++) {
                int size = 4 + (seq * 37) % 700;
                assertThat(writer.write(size, seq)).as("room for record %d", seq).isTrue();
                written.add(RingWriter.expected(size, seq));
                long length = (size + 8 + 7) & ~7L;
                if (position % RingWriter.RING_SIZE + length > RingWriter.RING_SIZE) {
                    straddling++;
                }
                position += length;
                if (seq % 3 == 2) {
                    assertThat(poller.poll(NO_WAIT)).isEqualTo(3);
                }
            }
        }
        assertThat(position / RingWriter.RING_SIZE).as("times around the ring").isGreaterThan(20);
        assertThat(straddling).as("records that run past the ring's end into its second mapping").isGreaterThan(10);
        assertThat(received).containsExactlyElementsOf(written);
    }

    @Test
    void aFullRingRefusesRecordsUntilItIsReadThenTakesThemAgain() {
        try (RingBufferPoller poller = poller(RingWriter.MAX_WRITE)) {
            int accepted = 0;
            while (writer.write(1000, accepted)) {
                accepted++;
            }
            assertThat(accepted).as("1,008-byte records in a 4,096-byte ring").isEqualTo(4);
            assertThat(poller.poll(NO_WAIT)).isEqualTo(4);
            assertThat(writer.write(1000, 99)).as("room again once the consumer position moved").isTrue();
            assertThat(poller.poll(NO_WAIT)).isEqualTo(1);
        }
        assertThat(received).extracting(bytes -> ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).getInt(0))
                .containsExactly(0, 1, 2, 3, 99);
    }

    @Test
    void discardedRecordsAreSkipped() {
        try (RingBufferPoller poller = poller(RingWriter.MAX_WRITE)) {
            writer.write(40, 1);
            writer.discard();
            writer.write(50, 2);
            writer.discard();
            writer.discard();
            writer.write(60, 3);
            assertThat(poller.poll(NO_WAIT)).isEqualTo(3);
            writer.discard();
            assertThat(poller.poll(NO_WAIT)).as("a ring holding only a discarded record").isZero();
            assertThat(writer.write(70, 4)).isTrue();
            assertThat(poller.poll(NO_WAIT)).isEqualTo(1);
        }
        assertThat(received).containsExactly(RingWriter.expected(40, 1), RingWriter.expected(50, 2),
                RingWriter.expected(60, 3), RingWriter.expected(70, 4));
    }

    @Test
    void aRecordLargerThanExpectedFailsOnePollAndIsSkipped() {
        try (RingBufferPoller poller = poller(256)) {
            writer.write(100, 1);
            writer.write(1000, 2);
            writer.write(256, 3);
            assertThatThrownBy(() -> poller.poll(NO_WAIT)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("1000 bytes").hasMessageContaining("maximum of 256");
            assertThat(received).as("the record before it").containsExactly(RingWriter.expected(100, 1));
            assertThat(poller.poll(NO_WAIT)).as("the record after it").isEqualTo(1);
        }
        assertThat(received).containsExactly(RingWriter.expected(100, 1), RingWriter.expected(256, 3));
    }

    @Test
    void aHandlerFailureStopsThePollAndTheNextPollGoesOnAfterThatRecord() {
        List<Integer> seen = new ArrayList<>();
        try (RingBufferPoller poller = RingBufferPoller.open(writer.object(), RingWriter.MAP, 1024, record -> {
            int seq = record.getInt(0);
            seen.add(seq);
            if (seq == 2) {
                throw new IllegalArgumentException("odd record " + seq);
            }
        })) {
            writer.write(16, 1);
            writer.write(16, 2);
            writer.write(16, 3);
            assertThatThrownBy(() -> poller.poll(NO_WAIT)).hasMessage("odd record 2");
            assertThat(poller.poll(NO_WAIT)).isEqualTo(1);
        }
        assertThat(seen).containsExactly(1, 2, 3);
    }

    @Test
    void anEmptyRingWaitsForTheTimeoutAndAWriteWakesTheWait() throws Exception {
        try (RingBufferPoller poller = poller(RingWriter.MAX_WRITE)) {
            long start = System.nanoTime();
            assertThat(poller.poll(Duration.ofMillis(200))).isZero();
            assertThat(System.nanoTime() - start).as("waited").isGreaterThanOrEqualTo(150_000_000L);

            CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                sleep(300);
                writer.write(32, 7);
            });
            start = System.nanoTime();
            assertThat(poller.poll(Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(System.nanoTime() - start).as("woken by the record, not the timeout")
                    .isLessThan(TimeUnit.SECONDS.toNanos(10));
            later.get(10, TimeUnit.SECONDS);
        }
        assertThat(received).containsExactly(RingWriter.expected(32, 7));
    }

    @Test
    void aClosedPollerRefusesToPoll() {
        RingBufferPoller poller = poller(64);
        poller.close();
        poller.close();
        assertThatThrownBy(() -> poller.poll(NO_WAIT)).isInstanceOf(IllegalStateException.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
