package io.tapwire.api.spans;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class SpanStoreTest {

    private static final long SECOND = 1_000_000_000L;

    private static Span span(String client, long startNs) {
        return new Span("client", client, "b", "10.0.0.1:80", "http", "GET", "/", "200", false, startNs, 1_000_000);
    }

    private static List<Long> starts(List<Span> spans) {
        return spans.stream().map(Span::startNs).toList();
    }

    @Test
    void searchesNewestFirstWithinTheRangeInclusiveUpToTheLimit() {
        SpanStore store = new SpanStore(Duration.ofHours(1), 100);
        for (long t = 1; t <= 10; t++) {
            store.add(span("a", t * SECOND));
        }

        assertThat(starts(store.newestFirst(3 * SECOND, 7 * SECOND, s -> true, 100)))
                .containsExactly(7 * SECOND, 6 * SECOND, 5 * SECOND, 4 * SECOND, 3 * SECOND);
        assertThat(starts(store.newestFirst(0, Long.MAX_VALUE, s -> true, 2))).containsExactly(10 * SECOND, 9 * SECOND);
        assertThat(store.newestFirst(8 * SECOND, 2 * SECOND, s -> true, 10)).isEmpty();
    }

    @Test
    void keepsSpansThatStartedInTheSameNanosecond() {
        SpanStore store = new SpanStore(Duration.ofHours(1), 100);
        store.add(span("a", SECOND));
        store.add(span("b", SECOND));

        assertThat(store.newestFirst(0, SECOND, s -> true, 10)).extracting(Span::clientService)
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void appliesTheFilterBeforeTheLimit() {
        SpanStore store = new SpanStore(Duration.ofHours(1), 100);
        for (long t = 1; t <= 10; t++) {
            store.add(span(t % 2 == 0 ? "even" : "odd", t * SECOND));
        }

        assertThat(starts(store.newestFirst(0, Long.MAX_VALUE, s -> s.clientService().equals("odd"), 3)))
                .containsExactly(9 * SECOND, 7 * SECOND, 5 * SECOND);
    }

    @Test
    void dropsWhatFallsOutOfTheRetentionBehindTheNewestSpanSeen() {
        SpanStore store = new SpanStore(Duration.ofSeconds(60), 100);
        store.add(span("a", 100 * SECOND));
        store.add(span("a", 150 * SECOND));
        store.add(span("a", 30 * SECOND)); // already older than the retention: not kept
        store.add(span("a", 170 * SECOND)); // 100 s falls out

        assertThat(starts(store.newestFirst(0, Long.MAX_VALUE, s -> true, 100)))
                .containsExactly(170 * SECOND, 150 * SECOND);
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void keepsAtMostMaxCountDroppingTheOldest() {
        SpanStore store = new SpanStore(Duration.ofHours(1), 3);
        for (long t = 1; t <= 5; t++) {
            store.add(span("a", t * SECOND));
        }

        assertThat(starts(store.newestFirst(0, Long.MAX_VALUE, s -> true, 100)))
                .containsExactly(5 * SECOND, 4 * SECOND, 3 * SECOND);
        assertThat(store.size()).isEqualTo(3);
    }
}
