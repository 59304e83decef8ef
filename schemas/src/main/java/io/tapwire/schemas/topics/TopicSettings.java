package io.tapwire.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.tapwire.schemas.settings.TypedProperties;

/**
 * Partition counts and retention of the Tapwire topics, read from properties and validated before anything is
 * created. Settings (all optional):
 *
 * <pre>
 * tapwire.topics.partitions=12                  every topic (a raw topic's count is fixed for its lifetime)
 * tapwire.topics.raw.retention.ms=604800000     raw topics, time (7 days)
 * tapwire.topics.raw.retention.bytes=8589934592 raw topics, bytes per partition (8 GiB)
 * tapwire.topics.&lt;topic&gt;.partitions=N         one topic (all topics of its key format must agree)
 * tapwire.topics.&lt;topic&gt;.retention.ms=N       one topic
 * tapwire.topics.&lt;topic&gt;.retention.bytes=N    one topic, per partition (-1: no limit)
 * </pre>
 */
public final class TopicSettings {

    public static final String PREFIX = "tapwire.topics.";
    public static final int DEFAULT_PARTITIONS = 12;
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(7);
    public static final long DEFAULT_RAW_RETENTION_BYTES = 8L * 1024 * 1024 * 1024;

    private final int partitions;
    private final long rawRetentionMs;
    private final long rawRetentionBytes;
    private final Map<String, String> perTopic;

    private TopicSettings(int partitions, long rawRetentionMs, long rawRetentionBytes, Map<String, String> perTopic) {
        this.partitions = partitions;
        this.rawRetentionMs = rawRetentionMs;
        this.rawRetentionBytes = rawRetentionBytes;
        this.perTopic = perTopic;
    }

    public static TopicSettings defaults() {
        return fromProperties(new Properties());
    }

    /** Reads the {@code tapwire.topics.*} properties; unknown topic names and bad numbers are rejected. */
    public static TopicSettings fromProperties(Properties props) {
        TypedProperties typed = new TypedProperties(props);
        Map<String, String> perTopic = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            if (!name.startsWith(PREFIX) || name.equals(PREFIX + "partitions") || name.startsWith(PREFIX + "raw.")) {
                continue;
            }
            String rest = name.substring(PREFIX.length());
            String setting = settingOf(rest);
            String topic = setting == null ? null : rest.substring(0, rest.length() - setting.length() - 1);
            if (setting == null || TapwireTopic.byName(topic).isEmpty()) {
                throw new IllegalArgumentException("unknown setting " + name + ": expected " + PREFIX
                        + "<topic>.(partitions|retention.ms|retention.bytes) with a topic of " + topicNames());
            }
            typed.number(name, 0);
            perTopic.put(rest, props.getProperty(name).trim());
        }
        int partitions = typed.positive(PREFIX + "partitions", DEFAULT_PARTITIONS);
        long retentionMs = positive(PREFIX + "raw.retention.ms",
                typed.number(PREFIX + "raw.retention.ms", DEFAULT_RAW_RETENTION.toMillis()));
        long retentionBytes = typed.number(PREFIX + "raw.retention.bytes", DEFAULT_RAW_RETENTION_BYTES);
        TopicSettings settings = new TopicSettings(partitions, retentionMs, retentionBytes, perTopic);
        settings.plan();
        return settings;
    }

    /** Every topic with its resolved settings; fails when co-partitioned topics would differ in partition count. */
    public List<TopicSpec> plan() {
        List<TopicSpec> specs = new ArrayList<>();
        Map<KeyFormat, TopicSpec> firstOfFormat = new EnumMap<>(KeyFormat.class);
        for (TapwireTopic topic : TapwireTopic.values()) {
            TopicSpec spec = new TopicSpec(topic.topicName(), partitionsOf(topic), configsOf(topic));
            TopicSpec first = firstOfFormat.putIfAbsent(topic.keyFormat(), spec);
            if (first != null && first.partitions() != spec.partitions()) {
                throw new IllegalArgumentException("topics " + first.name() + " and " + spec.name() + " share the key "
                        + "format " + topic.keyFormat().pattern() + " and must have the same partition count, but are set to "
                        + first.partitions() + " and " + spec.partitions() + " (" + PREFIX + "<topic>.partitions)");
            }
            specs.add(spec);
        }
        return specs;
    }

    private int partitionsOf(TapwireTopic topic) {
        String value = perTopic.get(topic.topicName() + ".partitions");
        return value == null ? partitions : (int) positive(PREFIX + topic.topicName() + ".partitions", Long.parseLong(value));
    }

    private Map<String, String> configsOf(TapwireTopic topic) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", topic.cleanup().policy());
        if (topic.cleanup() == TapwireTopic.Cleanup.DELETE) {
            boolean raw = topic.kind() == TapwireTopic.Kind.RAW;
            long defaultMs = raw ? rawRetentionMs : topic.defaultRetention().orElseThrow().toMillis();
            configs.put("retention.ms", perTopic.getOrDefault(topic.topicName() + ".retention.ms", String.valueOf(defaultMs)));
            configs.put("retention.bytes", perTopic.getOrDefault(topic.topicName() + ".retention.bytes",
                    String.valueOf(raw ? rawRetentionBytes : -1L)));
        }
        // Records keep their kernel event time; a replay of old data must not be deleted on arrival.
        configs.put("message.timestamp.type", "CreateTime");
        return configs;
    }

    private static String settingOf(String rest) {
        for (String setting : List.of("partitions", "retention.ms", "retention.bytes")) {
            if (rest.endsWith("." + setting)) {
                return setting;
            }
        }
        return null;
    }

    private static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
        return value;
    }

    private static List<String> topicNames() {
        return java.util.Arrays.stream(TapwireTopic.values()).map(TapwireTopic::topicName).toList();
    }
}
