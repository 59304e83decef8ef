package io.tapwire.kafka.registry;

import org.apache.avro.Schema;

/**
 * A valid Avro schema with its canonical text, the form the registry stores, returns and compares.
 *
 * <p>The canonical text is Avro's own JSON rendering of the parsed schema ({@link Schema#toString()}), as Confluent
 * uses: whitespace, key order and redundant forms ({@code {"type": "string"}} vs {@code "string"}) do not matter, but
 * everything that changes how data is read (defaults, aliases, logical types, doc and custom properties) does. Avro's
 * <em>Parsing Canonical Form</em> is deliberately not the identity: it drops defaults and logical types, so a
 * version that only adds a default, the usual fix for an incompatible change, would be mistaken for the old schema.
 */
record ParsedSchema(Schema schema, String canonical) {

    static final String AVRO = "AVRO";

    /** Parses a schema from a request; invalid input is a 422 with error code 42201 and Avro's reason. */
    static ParsedSchema parse(String text) {
        if (text == null || text.isBlank()) {
            throw RegistryErrors.missingField("schema");
        }
        try {
            // A new parser each time: a parser remembers the named types it has seen.
            Schema schema = new Schema.Parser().parse(text);
            return new ParsedSchema(schema, schema.toString());
        } catch (RuntimeException e) {
            // SchemaParseException, AvroTypeException (bad default), AvroRuntimeException: all mean "not valid Avro".
            throw RegistryErrors.invalidSchema(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Parses a schema read back from the store topic, where it was validated before being written. */
    static ParsedSchema fromStore(String canonical) {
        Schema schema = new Schema.Parser().parse(canonical);
        return new ParsedSchema(schema, canonical);
    }
}
