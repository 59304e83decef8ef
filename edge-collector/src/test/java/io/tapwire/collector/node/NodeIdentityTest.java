package io.tapwire.collector.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @Test
    void theNodeIsTheHostnameUnlessConfiguredAndTheBootIdComesFromTheKernel(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("sys/kernel/random"));
        Files.writeString(proc.resolve("sys/kernel/random/boot_id"), "6a1f0c2e-9d3b-4b8e-8f51-2f7c3a9e1d04\n");
        Files.writeString(proc.resolve("sys/kernel/hostname"), "node-7\n");

        assertThat(NodeIdentity.detect("prod", null, proc))
                .isEqualTo(new NodeIdentity("prod", "node-7", "6a1f0c2e-9d3b-4b8e-8f51-2f7c3a9e1d04"));
        assertThat(NodeIdentity.detect("prod", "db-3", proc).node()).isEqualTo("db-3");
    }

    @Test
    void theRealMachineHasABootId() {
        NodeIdentity here = NodeIdentity.detect("local", null, Path.of("/proc"));
        assertThat(here.bootId()).matches("[0-9a-f-]{36}");
        assertThat(here.node()).isNotBlank();
    }

    @Test
    void aMissingProcGivesAClearError(@TempDir Path empty) {
        assertThatThrownBy(() -> NodeIdentity.detect("prod", null, empty)).hasMessageContaining("boot_id")
                .hasMessageContaining("/proc mounted");
    }
}
