package io.tapwire.collector.bpf;

/** Names in bpf/src/main/bpf/tapwire_file.bpf.c that the collector looks up at run time. */
public final class FileBpfObject {

    /** Packaged as /io/tapwire/bpf/tapwire_file.bpf.o. */
    public static final String OBJECT = "tapwire_file";
    /** Ring buffer of {@code struct tapwire_file_event}. */
    public static final String EVENTS_MAP = "tapwire_file_events";

    private FileBpfObject() {
    }
}
