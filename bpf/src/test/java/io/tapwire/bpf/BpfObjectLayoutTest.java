package io.tapwire.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the packaged objects are what libbpf needs to load them with CO-RE on another kernel,
 * and that they contain the programs and maps the collector looks up by name.
 */
class BpfObjectLayoutTest {

    /** The kernel's license_is_gpl_compatible() list (include/linux/license.h). */
    private static final Set<String> GPL_COMPATIBLE = Set.of(
            "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    static List<String> objectNames() {
        return PackagedBpfObjects.names();
    }

    @ParameterizedTest
    @MethodSource("objectNames")
    void everyObjectIsALoadableCoReObject(String name) {
        ElfFile elf = ElfFile.parse(PackagedBpfObjects.bytes(name));

        assertThat(elf.machine()).as("e_machine of %s", name).isEqualTo(ElfFile.EM_BPF);
        assertThat(elf.section(".maps")).as("%s: .maps (BTF-defined maps)", name).isPresent();
        // Without .BTF and .BTF.ext libbpf has no relocations to apply: the object would only run
        // on the exact kernel layout it was compiled against.
        assertThat(elf.section(".BTF")).as("%s: .BTF", name).isPresent();
        assertThat(elf.section(".BTF.ext")).as("%s: .BTF.ext (CO-RE relocations)", name).isPresent();
        assertThat(licence(elf, name)).as("%s: licence, which gates the GPL-only helpers", name).isIn(GPL_COMPATIBLE);
    }

    /** Every SEC() the collector attaches, with its program's name, per object. */
    private static final Map<String, Map<String, String>> PROGRAMS = Map.of(
            "tapwire_process", Map.of(
                    "tp_btf/task_newtask", "tapwire_newtask",
                    "tracepoint/sched/sched_process_exec", "tapwire_exec",
                    "tracepoint/sched/sched_process_exit", "tapwire_exit",
                    "tracepoint/sched/sched_process_free", "tapwire_free",
                    "tracepoint/oom/mark_victim", "tapwire_oom"),
            "tapwire_tcp", Map.of(
                    "tracepoint/syscalls/sys_enter_connect", "tapwire_connect_enter",
                    "tracepoint/syscalls/sys_exit_connect", "tapwire_connect_exit",
                    "tracepoint/syscalls/sys_exit_accept", "tapwire_accept_exit",
                    "tracepoint/syscalls/sys_exit_accept4", "tapwire_accept4_exit",
                    "tracepoint/sock/inet_sock_set_state", "tapwire_state",
                    "tracepoint/tcp/tcp_retransmit_skb", "tapwire_retransmit",
                    "tp_btf/tcp_probe", "tapwire_tcp_probe"),
            "tapwire_file", Map.of(
                    "tracepoint/syscalls/sys_enter_openat", "tapwire_openat_enter",
                    "tracepoint/syscalls/sys_exit_openat", "tapwire_openat_exit"),
            "tapwire_l7", Map.of(
                    "tp_btf/sys_enter", "tapwire_sys_enter",
                    "tp_btf/sys_exit", "tapwire_sys_exit"));

    /** Maps the collector looks up by name in each object. */
    private static final Map<String, List<String>> MAPS = Map.of(
            "tapwire_process", List.of("tapwire_process_events"),
            "tapwire_tcp", List.of("tapwire_tcp_events", "tapwire_sockets", "tapwire_tcp_settings"),
            "tapwire_file", List.of("tapwire_file_events"),
            "tapwire_l7", List.of("tapwire_l7_events", "tapwire_l7_conns", "tapwire_l7_fds", "tapwire_l7_scratch", "tapwire_l7_settings",
                    "tapwire_sockets"));

    /** Defined identically in every object (tapwire_common.bpf.h), so the collector can share one instance. */
    private static final List<String> SHARED_MAPS =
            List.of("tapwire_excluded_pids", "tapwire_excluded_ports", "tapwire_ringbuf_drops");

    @Test
    void theBuildPackagesOneObjectPerConcern() {
        assertThat(PackagedBpfObjects.names()).containsExactlyInAnyOrderElementsOf(PROGRAMS.keySet());
    }

    @ParameterizedTest
    @MethodSource("objectNames")
    void everyObjectHasTheProgramsAndMapsTheCollectorUses(String name) {
        ElfFile elf = ElfFile.parse(PackagedBpfObjects.bytes(name));
        int mapsIndex = elf.section(".maps").orElseThrow().index();

        for (Map.Entry<String, String> expected : PROGRAMS.get(name).entrySet()) {
            ElfFile.Section program = elf.section(expected.getKey()).orElseThrow(
                    () -> new AssertionError("no " + expected.getKey() + " section in " + name + ".bpf.o: "
                            + elf.sections().stream().map(ElfFile.Section::name).toList()));
            assertThat(program.size()).as("program bytes (8-byte BPF instructions)").isPositive();
            assertThat(program.size() % 8).isZero();
            assertThat(elf.symbols()).contains(new ElfFile.Symbol(expected.getValue(), program.index()));
        }
        for (String map : MAPS.get(name)) {
            assertThat(elf.symbols()).as("map %s in %s", map, name).contains(new ElfFile.Symbol(map, mapsIndex));
        }
        for (String map : SHARED_MAPS) {
            assertThat(elf.symbols()).as("shared map %s in %s", map, name).contains(new ElfFile.Symbol(map, mapsIndex));
        }
    }

    private static String licence(ElfFile elf, String name) {
        ElfFile.Section section = elf.section("license")
                .orElseThrow(() -> new AssertionError(name + " has no license section"));
        byte[] bytes = elf.contents(section);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }
}
