package io.tapwire.collector.records;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;

/** A raw record ready to produce: its topic, its key in the topic's format, its value and event time. */
public record RawRecord(TapwireTopic topic, String key, SpecificRecord value, long epochNs) {
}
