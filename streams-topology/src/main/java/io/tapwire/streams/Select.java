package io.tapwire.streams;

import java.util.function.BiPredicate;
import java.util.function.Function;

import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The part of a processor's mixed output that one step reads, in one processor: the records a test accepts, each as
 * a mapping makes it. A filter followed by a mapValues would be two processors, and Kafka Streams copies a record
 * (its headers included) and records metrics at every processor each record reaches: with the topology's many mixed
 * outputs, that was a noticeable share of the stream thread.
 */
public final class Select {

    private Select() {
    }

    /**
     * The records whose value is a {@code type}, passed on as they are, and the heartbeat markers too if
     * {@code markers} (downstream steps need them to know how far their input has got).
     */
    public static <V, T> KStream<String, T> ofType(KStream<String, V> mixed, Class<T> type, boolean markers,
                                                   String name) {
        return mixed.processValues(() -> new Selector<V, T>(
                (key, value) -> type.isInstance(value) || markers && HeartbeatMarker.is(key, value), null),
                Named.as(name));
    }

    /**
     * {@code stream} under another value type that its values already have (or a supertype): only retyped, with no
     * processor, where a mapValues cast would be one more for every record.
     */
    @SuppressWarnings("unchecked")
    public static <T> KStream<String, T> retyped(KStream<String, ?> stream) {
        return (KStream<String, T>) stream;
    }

    /** The records {@code test} accepts, each with the value {@code map} makes of it (null stays null). */
    public static <V, T> KStream<String, T> of(KStream<String, V> mixed, BiPredicate<String, ? super V> test,
                                               Function<? super V, T> map, String name) {
        return mixed.processValues(() -> new Selector<>(test, map), Named.as(name));
    }

    private static final class Selector<V, T> implements FixedKeyProcessor<String, V, T> {
        private final BiPredicate<String, ? super V> test;
        /** Null: a record passes as it is, its value a T already (or a marker's null). */
        private final Function<? super V, T> map;
        private FixedKeyProcessorContext<String, T> context;

        Selector(BiPredicate<String, ? super V> test, Function<? super V, T> map) {
            this.test = test;
            this.map = map;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, T> context) {
            this.context = context;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void process(FixedKeyRecord<String, V> record) {
            if (!test.test(record.key(), record.value())) {
                return;
            }
            if (map == null) {
                context.forward((FixedKeyRecord<String, T>) (FixedKeyRecord<String, ?>) record);   // no copy
            } else {
                context.forward(record.withValue(record.value() == null ? null : map.apply(record.value())));
            }
        }
    }
}
