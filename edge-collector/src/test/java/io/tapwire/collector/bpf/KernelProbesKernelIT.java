package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapwire.bpf.KernelPrerequisites;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KernelProbes as a whole in the real kernel: every program attaches, the three objects share one
 * set of exclusion and drop maps, a full ring buffer is counted, and closing leaves nothing behind.
 */
class KernelProbesKernelIT {

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void everyProgramAttachesAndCloseLeavesNoProgramLinkOrMapBehind() throws Exception {
        Set<Long> programsBefore = Bpftool.programIds();
        Set<Long> mapsBefore = Bpftool.mapIds();
        Set<Long> ourPrograms;
        Set<Long> ourMaps;
        try (KernelProbes probes = KernelProbes.start(KernelProbeSettings.builder().build())) {
            List<String> expected = List.of(
                    "tapwire_newtask", "tapwire_exec", "tapwire_exit", "tapwire_free", "tapwire_oom",
                    "tapwire_connect_enter", "tapwire_connect_exit", "tapwire_accept_exit", "tapwire_accept4_exit",
                    "tapwire_state", "tapwire_retransmit", "tapwire_tcp_probe",
                    "tapwire_openat_enter", "tapwire_openat_exit",
                    "tapwire_sys_enter", "tapwire_sys_exit");
            assertThat(probes.attachedPrograms()).containsExactlyInAnyOrderElementsOf(expected);
            ourPrograms = new HashSet<>(Bpftool.programIds());
            ourPrograms.removeAll(programsBefore);
            ourMaps = new HashSet<>(Bpftool.mapIds());
            ourMaps.removeAll(mapsBefore);
            assertThat(ourPrograms).as("our programs, as bpftool sees them while attached").hasSize(16);
            assertThat(Bpftool.linkedProgramIds()).as("links while attached").containsAll(ourPrograms);
            // 4 ring buffers, sockets, pending connects, TCP settings, the STATS deadlines (socket storage),
            // tapwire_tcp's .kconfig (CONFIG_HZ), pending opens, L7 connections, L7 fds, pending payload calls, L7
            // settings and scratch slots, and the 4 shared maps once: 19, where 31 would mean each object made its own
            // exclusion, exclusion-version and drop maps (and tapwire_l7 its own socket map).
            assertThat(ourMaps).as("maps: shared ones exist once, not once per object").hasSize(19);
        }

        // The kernel frees a program after its last reference goes, via RCU: allow it a moment.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<Long> left;
        do {
            left = new HashSet<>(ourPrograms);
            Set<Long> stillThere = Bpftool.programIds();
            stillThere.addAll(Bpftool.linkedProgramIds());
            left.retainAll(stillThere);
            Set<Long> mapsLeft = new HashSet<>(ourMaps);
            mapsLeft.retainAll(Bpftool.mapIds());
            left.addAll(mapsLeft);
        } while (!left.isEmpty() && System.nanoTime() < deadline && sleep(50));
        assertThat(left).as("programs, links or maps of ours left after close").isEmpty();
    }

    @Test
    void theObjectsShareOneExclusionSet() {
        try (KernelProbes probes = KernelProbes.start(KernelProbeSettings.builder().excludePid(4_000_000).build())) {
            ExclusionMaps asTcpSeesThem = ExclusionMaps.of(probes.tcpObject());
            ExclusionMaps asFileSeesThem = ExclusionMaps.of(probes.fileObject());

            probes.exclusions().excludeLocalPort(9092);

            assertThat(asTcpSeesThem.isProcessExcluded(4_000_000)).isTrue();
            assertThat(asFileSeesThem.isProcessExcluded(4_000_000)).isTrue();
            assertThat(asTcpSeesThem.isLocalPortExcluded(9092)).isTrue();
            assertThat(probes.exclusions().includeProcess(4_000_000)).isTrue();
            assertThat(asFileSeesThem.isProcessExcluded(4_000_000)).isFalse();
            assertThat(probes.exclusions().includeProcess(4_000_000)).as("already gone").isFalse();
        }
    }

    @Test
    void aFullRingBufferCountsDropsPerEventTypeInsteadOfBlocking() throws Exception {
        // One page holds 11 exec records of 352 bytes (344 + the 8-byte ring-buffer header); nobody polls.
        KernelProbeSettings settings = KernelProbeSettings.builder().processRingBufferBytes(4096).build();
        try (KernelProbes probes = KernelProbes.start(settings)) {
            assertThat(probes.drops(EventType.PROCESS_EXEC)).isZero();

            for (int i = 0; i < 20; i++) {
                Process child = new ProcessBuilder("/bin/true").start();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }

            // 20 children exec at least twice each (the JDK's spawn helper, then /bin/true).
            assertThat(probes.drops(EventType.PROCESS_EXEC)).isGreaterThanOrEqualTo(40 - 11);
            assertThat(probes.drops(EventType.PROCESS_START)).as("counted apart from EXEC").isPositive();
            assertThat(probes.drops(EventType.PROCESS_EXIT)).isPositive();
            assertThat(probes.drops()).containsEntry(EventType.FILE_OPEN_WRITE, 0L);
        }
    }

    @Test
    void settingsAreValidatedWithTheSettingsName() {
        assertThatThrownBy(() -> KernelProbeSettings.builder().tcpRingBufferBytes(100_000).build())
                .hasMessageContaining("tcpRingBufferBytes must be a power of two");
        assertThatThrownBy(() -> KernelProbeSettings.builder().excludeLocalPort(70_000).build())
                .hasMessageContaining("excludedLocalPorts");
    }

    @Test
    void aCorruptObjectFailsNamingTheCallAndTheErrno() {
        assertThatThrownBy(() -> BpfObject.openImage("not_elf", new byte[] {1, 2, 3, 4}))
                .isInstanceOf(LibBpfException.class)
                .hasMessageStartingWith("bpf_object__open_mem(not_elf) failed: errno ")
                .satisfies(e -> assertThat(((LibBpfException) e).errno()).isPositive());
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
