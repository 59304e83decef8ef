package io.tapwire.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * How the answers are written as JSON. Doubles use Jackson's fast writer: the service map of 10,000 edges carries six
 * per edge (rates and percentiles), and writing them with {@code Double.toString} was a fifth of the answer's cost
 * (ServiceMapProfile). The text is the shortest that reads back to the same double, as JSON readers expect.
 */
@Singleton
public class JsonWriting implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.configure(JsonGenerator.Feature.USE_FAST_DOUBLE_WRITER, true);
    }
}
