package io.tapwire.api.services;

import io.tapwire.api.query.Rounding;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.windows.L7Totals;
import io.tapwire.api.windows.LatencyPercentiles;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** L7 requests over a range, each counted once. */
@Schema(name = "Traffic", description = "L7 requests over the range, each counted once (the counting side's "
        + "windows)")
public record TrafficView(
        @Schema(description = "Requests in the range") long requests,
        @Schema(description = "Requests that count as errors") long errors,
        @Schema(description = "Requests divided by the range's length in seconds, four significant digits") double requestsPerSecond,
        @Schema(description = "Errors per request, four significant digits; 0 when there were no requests") double errorRate,
        @Schema(nullable = true) LatencyPercentiles latencyMs) {

    /** Rates to {@link Rounding#DIGITS} significant digits. */
    public TrafficView {
        requestsPerSecond = Rounding.significant(requestsPerSecond);
        errorRate = Rounding.significant(errorRate);
    }

    static TrafficView of(L7Totals totals, TimeRange range) {
        double seconds = range.seconds();
        return new TrafficView(totals.requests(), totals.errors(), seconds > 0 ? totals.requests() / seconds : 0,
                totals.errorRate(), totals.latency());
    }
}
