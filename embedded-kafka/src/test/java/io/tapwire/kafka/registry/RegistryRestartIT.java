package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store topic is the registry's only state: a new instance on the same topic serves everything as before. */
class RegistryRestartIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void subjectsVersionsIdsAndConfigSurviveARestartAndIdsContinue() {
        String topic = "_schemas_restart";
        String v1 = RegistryHttp.recordSchema("Order", "{\"name\": \"id\", \"type\": \"long\"}");
        String v2 = RegistryHttp.recordSchema("Order", "{\"name\": \"id\", \"type\": \"long\"}",
                "{\"name\": \"note\", \"type\": \"string\", \"default\": \"\"}");
        String payment = RegistryHttp.recordSchema("Payment", "{\"name\": \"amount\", \"type\": \"double\"}");

        String before;
        try (SchemaRegistryServer first = start(topic)) {
            RegistryHttp http = new RegistryHttp(first.url());
            assertThat(http.register("orders-value", v1)).isEqualTo(1);
            assertThat(http.register("orders-value", v2)).isEqualTo(2);
            assertThat(http.register("payments-value", payment)).isEqualTo(3);
            assertThat(http.register("payments-copy-value", payment)).isEqualTo(3);
            assertThat(http.put("/config/payments-value", Map.of("compatibility", "FULL_TRANSITIVE")).status())
                    .isEqualTo(200);
            assertThat(http.put("/config", Map.of("compatibility", "FORWARD")).status()).isEqualTo(200);
            assertThat(http.delete("/subjects/payments-copy-value").status()).isEqualTo(200);
            before = snapshot(http);
        }

        try (SchemaRegistryServer second = start(topic)) {
            RegistryHttp http = new RegistryHttp(second.url());
            assertThat(second.isLeader()).isTrue();
            assertThat(snapshot(http)).isEqualTo(before);
            assertThat(http.get("/config/payments-value").json().get("compatibilityLevel").asText())
                    .isEqualTo("FULL_TRANSITIVE");
            assertThat(http.get("/subjects?deleted=true").json().toString()).contains("payments-copy-value");

            String customer = RegistryHttp.recordSchema("Customer", "{\"name\": \"name\", \"type\": \"string\"}");
            assertThat(http.register("customers-value", customer)).as("ids continue after a restart").isEqualTo(4);
            assertThat(http.register("orders-value", v2)).as("re-registering is idempotent").isEqualTo(2);
        }
    }

    private static SchemaRegistryServer start(String topic) {
        return SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).topic(topic).port(0)
                .build().start();
    }

    /** Everything a client can read, as one comparable text. */
    private static String snapshot(RegistryHttp http) {
        StringBuilder sb = new StringBuilder();
        sb.append(http.get("/subjects").body()).append('\n');
        sb.append(http.get("/config").body()).append('\n');
        for (var subject : http.get("/subjects").json()) {
            for (var version : http.get("/subjects/" + subject.asText() + "/versions").json()) {
                sb.append(http.get("/subjects/" + subject.asText() + "/versions/" + version.asInt()).body()).append('\n');
            }
        }
        for (int id = 1; id <= 3; id++) {
            sb.append(http.get("/schemas/ids/" + id).body()).append('\n');
        }
        return sb.toString();
    }
}
