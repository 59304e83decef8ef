package io.tapwire.kafka.registry;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A recorded conversation with a Confluent-compatible schema registry, written from Confluent's documentation:
 * requests and the responses the documentation gives for them. {@link TranscriptReplayer} loads and replays them.
 *
 * <p>File format (JSON, under {@code io/tapwire/kafka/registry/transcripts/}, listed in {@code index.txt}):
 * <pre>{@code
 * {
 *   "source": "which page and section of the Confluent docs the steps follow",
 *   "notes": ["where a step departs from the page, and why"],
 *   "steps": [
 *     {
 *       "doc": "what the documentation says this step shows",
 *       "request": {
 *         "method": "POST", "path": "/subjects/test/versions",
 *         "headers": {"Content-Type": "application/json"},      // optional; default: the v1 content type
 *         "body": {"schema": "{\"type\": \"string\"}"}          // or "rawBody": "text sent as is"
 *       },
 *       "response": {
 *         "status": 200,
 *         "body": {"id": 1},                  // optional: the whole body
 *         "bodyFields": {"error_code": 40401},// optional: these fields of an object body
 *         "nonEmptyFields": ["messages"],     // optional: present and not empty
 *         "contains": ["AVRO"],               // optional: elements an array body must contain
 *         "unordered": true                   // optional: compare an array body as a set
 *       }
 *     }
 *   ]
 * }
 * }</pre>
 *
 * <p>Values compare as JSON, except that two strings are also equal when both are JSON texts that are equal as
 * JSON, or Avro schemas that are equal as schemas: the documentation shows {@code "{\"type\": \"string\"}"} where a
 * registry answers the canonical {@code "\"string\""}. Every 4xx/5xx body must be Confluent's error object:
 * an integer {@code error_code} and a non-empty {@code message}.
 */
public record Transcript(String name, String source, List<Step> steps) {

    /** One request and what the documentation says comes back. */
    public record Step(String doc, Request request, Expected response) {
    }

    /** {@code body} is sent as JSON; {@code rawBody} as is (for malformed bodies); neither means no body. */
    public record Request(String method, String path, Map<String, String> headers, JsonNode body, String rawBody) {
    }

    public record Expected(int status, JsonNode body, JsonNode bodyFields, List<String> nonEmptyFields,
                           JsonNode contains, boolean unordered) {
    }
}
