package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchemaStoreTest {

    private final SchemaStore store = new SchemaStore(CompatibilityLevel.BACKWARD);

    @Test
    void versionsIdsAndSubjectsFollowTheRecords() {
        store.apply(new StoreRecord.SchemaVersion("a", 1, 1, "\"string\"", false));
        store.apply(new StoreRecord.SchemaVersion("a", 2, 2, "\"int\"", false));
        store.apply(new StoreRecord.SchemaVersion("b", 1, 1, "\"string\"", false));

        assertThat(store.subjects(false)).containsExactly("a", "b");
        assertThat(store.version("a", VersionId.LATEST, false).id()).isEqualTo(2);
        assertThat(store.idOf("\"string\"")).contains(1);
        assertThat(store.versionsOf(1, false)).extracting(SchemaStore.Version::subject).containsExactly("a", "b");
        assertThat(store.maxId()).isEqualTo(2);
        assertThat(store.maxVersion("a")).isEqualTo(2);
    }

    @Test
    void softDeletedVersionsAreHiddenButKeepTheirIds() {
        store.apply(new StoreRecord.SchemaVersion("a", 1, 1, "\"string\"", false));
        store.apply(new StoreRecord.SchemaVersion("a", 1, 1, "\"string\"", true));

        assertThat(store.subjects(false)).isEmpty();
        assertThat(store.subjects(true)).containsExactly("a");
        assertThatThrownBy(() -> store.version("a", VersionId.LATEST, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThat(store.schema(1)).isPresent();
        assertThat(store.maxVersion("a")).as("a new version does not reuse a deleted number").isEqualTo(1);
    }

    @Test
    void removedVersionsFreeTheirSchemaButNeverTheirId() {
        store.apply(new StoreRecord.SchemaVersion("a", 1, 5, "\"string\"", true));
        store.apply(new StoreRecord.IdHighWater(5));
        store.apply(new StoreRecord.SchemaVersionRemoved("a", 1));

        assertThat(store.subjects(true)).isEmpty();
        assertThat(store.schema(5)).isEmpty();
        assertThat(store.idOf("\"string\"")).isEmpty();
        assertThat(store.maxId()).isEqualTo(5);
    }

    @Test
    void levelsFallBackFromSubjectToGlobalToDefault() {
        assertThat(store.effectiveLevel("a")).isEqualTo(CompatibilityLevel.BACKWARD);
        store.apply(new StoreRecord.Config(null, CompatibilityLevel.FULL));
        assertThat(store.effectiveLevel("a")).isEqualTo(CompatibilityLevel.FULL);
        store.apply(new StoreRecord.Config("a", CompatibilityLevel.NONE));
        assertThat(store.effectiveLevel("a")).isEqualTo(CompatibilityLevel.NONE);
        store.apply(new StoreRecord.Config("a", null));
        store.apply(new StoreRecord.Config(null, null));
        assertThat(store.effectiveLevel("a")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void anUnparseableSchemaRecordIsSkipped() {
        store.apply(new StoreRecord.SchemaVersion("a", 1, 1, "{broken", false));
        assertThat(store.subjects(true)).isEmpty();
    }
}
