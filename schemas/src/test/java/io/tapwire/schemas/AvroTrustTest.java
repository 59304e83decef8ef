package io.tapwire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Avro's trust check is global JVM state, so each case runs in a fresh JVM: one that reads a Tapwire record the
 * plain Avro way (refused), one that reads it through AvroCodec (accepted, without any system property).
 */
class AvroTrustTest {

    @Test
    void plainAvroRefusesTapwireClassesInAFreshJvm() throws Exception {
        Result result = runProbe("plain");
        assertThat(result.exitCode).as(result.output).isEqualTo(3);
        assertThat(result.output).contains("not trusted");
    }

    @Test
    void avroCodecReadsTapwireClassesInAFreshJvmWithoutAnySetting() throws Exception {
        Result result = runProbe("codec");
        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("decoded ProcessEvent pid=4242");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result runProbe(String mode) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TrustProbe.class.getName(), mode)).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
