package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class StoreRecordCodecTest {

    @Test
    void everyRecordKindSurvivesTheTopic() {
        List<StoreRecord> records = List.of(
                new StoreRecord.SchemaVersion("orders-value", 2, 7, "\"string\"", false),
                new StoreRecord.SchemaVersion("orders-value", 1, 6, "\"long\"", true),
                new StoreRecord.SchemaVersionRemoved("orders-value", 1),
                new StoreRecord.Config(null, CompatibilityLevel.FULL),
                new StoreRecord.Config("orders-value", CompatibilityLevel.NONE),
                new StoreRecord.Config("orders-value", null),
                new StoreRecord.Leader("http://127.0.0.1:8081", "instance-1"),
                new StoreRecord.IdHighWater(12));
        for (StoreRecord record : records) {
            assertThat(StoreRecordCodec.decode(StoreRecordCodec.key(record), StoreRecordCodec.value(record)))
                    .contains(record);
        }
    }

    @Test
    void keysAreStableBytesSoCompactionKeepsOneRecordPerFact() {
        assertThat(text(StoreRecordCodec.key(new StoreRecord.SchemaVersion("s", 3, 9, "\"int\"", false))))
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":3,\"magic\":1}");
        assertThat(StoreRecordCodec.key(new StoreRecord.SchemaVersionRemoved("s", 3)))
                .isEqualTo(StoreRecordCodec.key(new StoreRecord.SchemaVersion("s", 3, 9, "\"int\"", true)));
        assertThat(text(StoreRecordCodec.key(new StoreRecord.Config(null, CompatibilityLevel.FULL))))
                .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
        assertThat(text(StoreRecordCodec.value(new StoreRecord.Config("s", CompatibilityLevel.FULL))))
                .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    }

    @Test
    void deletionsAreTombstones() {
        assertThat(StoreRecordCodec.value(new StoreRecord.SchemaVersionRemoved("s", 1))).isNull();
        assertThat(StoreRecordCodec.value(new StoreRecord.Config("s", null))).isNull();
    }

    @Test
    void unknownKeyTypesAreSkippedAndBrokenRecordsNamed() {
        assertThat(StoreRecordCodec.decode(bytes("{\"keytype\":\"NOOP\",\"magic\":0}"), null)).isEmpty();
        assertThatThrownBy(() -> StoreRecordCodec.decode(bytes("not json"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> StoreRecordCodec.decode(bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1}"),
                bytes("{\"subject\":\"s\",\"version\":1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
