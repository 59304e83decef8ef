package io.tapwire.collector.bpf;

/** One record from a Tapwire ring buffer, decoded by {@link KernelEventDecoder}. */
public sealed interface KernelEvent
        permits ExecEvent, ProcessStartEvent, ProcessExitEvent, OomKillEvent, TcpEvent, FileOpenEvent, L7PayloadEvent {

    EventType type();

    /** CLOCK_MONOTONIC at the event (bpf_ktime_get_ns), nanoseconds. */
    long ktimeNs();

    KernelTask task();
}
