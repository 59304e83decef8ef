package io.tapwire.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of every error answer: what went wrong, in words that say how to fix it, and the request parameter or
 * the setting at fault when there is one.
 */
@Schema(name = "Error")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(
        @Schema(description = "What went wrong") String error,
        @Schema(description = "The request parameter at fault", nullable = true) String parameter,
        @Schema(description = "The server setting at fault", nullable = true) String setting) {

    static ApiError of(String error) {
        return new ApiError(error, null, null);
    }
}
