package io.tapwire.api.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.tapwire.api.Protocol;
import org.junit.jupiter.api.Test;

class StatusLabelsTest {

    @Test
    void httpStatusesCountByClass() {
        assertThat(StatusLabels.split(Protocol.HTTP, "101", 1, 0)).containsExactly(Map.entry("1xx", 1L));
        assertThat(StatusLabels.split(Protocol.HTTP, "200", 3, 0)).containsExactly(Map.entry("2xx", 3L));
        assertThat(StatusLabels.split(Protocol.HTTP, "304", 1, 0)).containsExactly(Map.entry("3xx", 1L));
        assertThat(StatusLabels.split(Protocol.HTTP, "404", 2, 0)).containsExactly(Map.entry("4xx", 2L));
        assertThat(StatusLabels.split(Protocol.HTTP, "503", 2, 2)).containsExactly(Map.entry("5xx", 2L));
    }

    @Test
    void anHttpResponseNeverSeenIsUnknownAsForCoroot() {
        assertThat(StatusLabels.split(Protocol.HTTP, "unknown", 4, 0)).containsExactly(Map.entry("unknown", 4L));
        assertThat(StatusLabels.split(Protocol.HTTP, "999", 1, 0)).containsExactly(Map.entry("unknown", 1L));
    }

    @Test
    void otherProtocolsAreOkFailedOrUnknown() {
        assertThat(StatusLabels.split(Protocol.POSTGRES, "ok", 5, 0)).containsExactly(Map.entry("ok", 5L));
        assertThat(StatusLabels.split(Protocol.REDIS, "failed", 2, 2)).containsExactly(Map.entry("failed", 2L));
        assertThat(StatusLabels.split(Protocol.MEMCACHED, "unknown", 1, 0)).containsExactly(Map.entry("unknown", 1L));
    }

    @Test
    void aStatusTheRuleDoesNotKnowCountsItsErrorsAsFailedAndTheRestAsUnknown() {
        assertThat(StatusLabels.split(Protocol.POSTGRES, "42P01", 3, 2))
                .containsExactly(Map.entry("failed", 2L), Map.entry("unknown", 1L));
        assertThat(StatusLabels.split(Protocol.MYSQL, "1062", 1, 1)).containsExactly(Map.entry("failed", 1L));
    }

    @Test
    void dnsKeepsItsRcodeNames() {
        assertThat(StatusLabels.split(Protocol.DNS, "nxdomain", 1, 0)).containsExactly(Map.entry("nxdomain", 1L));
        assertThat(StatusLabels.split(Protocol.DNS, "rcode9", 1, 1)).containsExactly(Map.entry("failed", 1L));
    }
}
