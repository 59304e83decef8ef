package io.tapwire.streams.app;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.decode.RawDecoding;
import io.tapwire.streams.dedup.RawDeduplication;
import io.tapwire.streams.registry.ProcessRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

import java.util.function.Function;

/**
 * The whole topology, built by a pure function of its settings and serdes: every raw topic is decoded (the
 * undecodable go to the DLQ) and deduplicated, then fed to the sub-topologies.
 */
public final class TapwireTopology {

    private TapwireTopology() {
    }

    public static Topology build(StreamsSettings settings, TopologySerdes serdes) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, ProcessEvent> processEvents =
                raw(builder, settings, serdes, TapwireTopic.RAW_PROCESS, ProcessEvent.class, ProcessEvent::getHeader);
        KStream<String, NodeInventory> inventory =
                raw(builder, settings, serdes, TapwireTopic.RAW_INVENTORY, NodeInventory.class, NodeInventory::getHeader);

        ProcessRegistry.Outputs registry = ProcessRegistry.build(builder, processEvents, inventory, serdes,
                settings.processExitGrace());
        registry.processes().to(settings.topic(TapwireTopic.PROCESSES), Produced.with(Serdes.String(), serdes.of(ProcessInfo.class)));
        registry.events().to(settings.topic(TapwireTopic.EVENTS), Produced.with(Serdes.String(), serdes.of(ServiceEvent.class)));
        return builder.build();
    }

    /** A raw topic, decoded and deduplicated. */
    private static <V extends SpecificRecord> KStream<String, V> raw(StreamsBuilder builder, StreamsSettings settings,
                                                                     TopologySerdes serdes, TapwireTopic topic,
                                                                     Class<V> type, Function<V, RawHeader> header) {
        String name = settings.topic(topic);
        KStream<String, V> decoded = RawDecoding.decode(
                builder.stream(name, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-" + name)),
                serdes.of(type).deserializer(), settings.topic(TapwireTopic.DLQ), serdes.of(DeadLetter.class));
        return RawDeduplication.deduplicate(builder, decoded, "dedup-" + name, header, settings.dedupRetention());
    }
}
