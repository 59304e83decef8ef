package io.tapwire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Avro's trust check is global JVM state, so each case runs in a fresh JVM with no Avro system property: Tapwire's
 * records are built, read plainly and decoded without a SecurityException, and a class outside Tapwire's schema
 * packages is still refused.
 */
class AvroTrustTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain-read", "codec", "builder-with-record-defaults", "foreign-class-refused"})
    void aFreshJvmNeedsNoSetting(String mode) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TrustProbe.class.getName(), mode)).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("ok: " + mode);
    }
}
