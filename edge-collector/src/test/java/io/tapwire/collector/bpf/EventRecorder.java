package io.tapwire.collector.bpf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs {@link KernelProbes} for one test and keeps every event it sees (from the whole machine: tests
 * filter by pid, port or inode). Polls on the calling thread only.
 */
final class EventRecorder implements AutoCloseable {

    static final Duration EVENT_WAIT = Duration.ofSeconds(10);

    private final KernelProbes probes;
    private final RingBufferPoller poller;
    private final List<KernelEvent> events = new ArrayList<>();

    private EventRecorder(KernelProbes probes) {
        this.probes = probes;
        RingBufferPoller opened;
        try {
            opened = probes.openPoller(events::add);
        } catch (RuntimeException e) {
            probes.close();
            throw e;
        }
        this.poller = opened;
    }

    static EventRecorder start() {
        return start(KernelProbeSettings.builder().build());
    }

    static EventRecorder start(KernelProbeSettings settings) {
        return new EventRecorder(KernelProbes.start(settings));
    }

    KernelProbes probes() {
        return probes;
    }

    /** Polls until an event of this class matches, or fails listing what did arrive for {@code context}. */
    <T extends KernelEvent> T await(Class<T> type, Predicate<T> match, String description, Predicate<KernelEvent> context) {
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        do {
            for (KernelEvent event : events) {
                if (type.isInstance(event) && match.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            poller.poll(Duration.ofMillis(50));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + description + " within " + EVENT_WAIT + "; related events:\n"
                + events.stream().filter(context).map(Object::toString).collect(Collectors.joining("\n")));
    }

    <T extends KernelEvent> T await(Class<T> type, Predicate<T> match, String description) {
        return await(type, match, description, event -> type.isInstance(event));
    }

    /** Polls for a fixed time: to see that something did not happen, after a later marker arrived. */
    void drain(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            poller.poll(Duration.ofMillis(20));
        }
    }

    <T extends KernelEvent> List<T> events(Class<T> type, Predicate<T> match) {
        return events.stream().filter(type::isInstance).map(type::cast).filter(match).toList();
    }

    List<KernelEvent> eventsOfPid(int pid) {
        return events.stream().filter(event -> event.task().pid() == pid).toList();
    }

    @Override
    public void close() {
        try {
            poller.close();
        } finally {
            probes.close();
        }
    }
}
