package io.tapwire.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The test's strict reader must itself reject what is wrong, or the exposition tests prove nothing. */
class StrictExpositionParserTest {

    private static final String HISTOGRAM = """
            # HELP h_seconds latency
            # TYPE h_seconds histogram
            h_seconds_bucket{a="x",le="0.5"} 1
            h_seconds_bucket{a="x",le="1"} 3
            h_seconds_bucket{a="x",le="+Inf"} 4
            h_seconds_sum{a="x"} 2.5
            h_seconds_count{a="x"} 4
            """;

    @Test
    void readsAValidExposition() {
        Map<String, StrictExpositionParser.Family> families = StrictExpositionParser.parse("""
                # HELP c_total a counter with \\\\ and \\n in its help
                # TYPE c_total counter
                c_total{path="/a\\"b\\\\c\\nd"} 3
                c_total{path="/e"} 1e3
                """ + HISTOGRAM);

        assertThat(families).containsOnlyKeys("c_total", "h_seconds");
        assertThat(families.get("c_total").value("c_total", Map.of("path", "/a\"b\\c\nd"))).isEqualTo(3);
        assertThat(families.get("c_total").value("c_total", Map.of("path", "/e"))).isEqualTo(1000);
        assertThat(families.get("h_seconds").value("h_seconds_count", Map.of("a", "x"))).isEqualTo(4);
    }

    @Test
    void rejectsASampleWithoutATypeLineBeforeIt() {
        assertRejected("c_total 1\n# TYPE c_total counter\n", "no TYPE line");
        assertRejected("# HELP c_total help\nc_total 1\n", "no TYPE line");
    }

    @Test
    void rejectsBadNamesLabelsEscapesAndValues() {
        assertRejected("# TYPE c_total counter\nc_total{1a=\"x\"} 1\n", "bad label name");
        assertRejected("# TYPE c_total counter\nc_total{__a=\"x\"} 1\n", "reserved label name");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\\t\"} 1\n", "bad escape");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\",} 1\n", "trailing comma");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\"} one\n", "not a float");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\"}  1\n", "not a float");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\"} -1\n", "negative counter");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\"} 1\nc_total{a=\"x\"} 2\n", "duplicate series");
        assertRejected("# TYPE c_total counter\nc_total 1", "newline");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x 1\n", "unterminated");
        assertRejected("# TYPE c_total counter\nc_total{a=\"x\"\n", "ends too early");
    }

    @Test
    void rejectsInterleavedFamiliesAndRepeatedTypeLines() {
        assertRejected("# TYPE a counter\n# TYPE b counter\na 1\n", "outside its family's block");
        assertRejected("# TYPE a counter\na 1\n# TYPE a counter\n", "after the samples");
        assertRejected("# TYPE a counter\na 1\n# TYPE b counter\nb 1\na{x=\"y\"} 2\n", "outside its family's block");
    }

    @Test
    void rejectsHistogramsThatAreNotCumulativeOrDoNotEndAtInfEqualToTheCount() {
        assertRejected(HISTOGRAM.replace("le=\"1\"} 3", "le=\"1\"} 0"), "not cumulative");
        assertRejected(HISTOGRAM.replace("_count{a=\"x\"} 4", "_count{a=\"x\"} 5"), "differs from _count");
        assertRejected(HISTOGRAM.replace("h_seconds_bucket{a=\"x\",le=\"+Inf\"} 4\n", ""), "not le=\"+Inf\"");
        assertRejected(HISTOGRAM.replace("h_seconds_sum{a=\"x\"} 2.5\n", ""), "_bucket, _sum and _count");
        assertRejected(HISTOGRAM.replace("le=\"1\"", "le=\"0.25\""), "not strictly increasing");
        assertRejected(HISTOGRAM.replace("h_seconds_sum{a=\"x\"}", "h_seconds_sum{a=\"x\",le=\"1\"}"), "le only");
    }

    private static void assertRejected(String exposition, String reason) {
        assertThatThrownBy(() -> StrictExpositionParser.parse(exposition))
                .isInstanceOf(AssertionError.class).hasMessageContaining(reason);
    }
}
