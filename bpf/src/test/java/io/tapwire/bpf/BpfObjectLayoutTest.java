package io.tapwire.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
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

    @Test
    void processObjectHasTheExecProgramAndTheMapsTheCollectorUses() {
        ElfFile elf = ElfFile.parse(PackagedBpfObjects.bytes("tapwire_process"));

        ElfFile.Section program = elf.section("tracepoint/sched/sched_process_exec").orElseThrow(
                () -> new AssertionError("no tracepoint/sched/sched_process_exec section in tapwire_process.bpf.o: "
                        + elf.sections().stream().map(ElfFile.Section::name).toList()));
        assertThat(program.size()).as("program bytes (8-byte BPF instructions)").isPositive();
        assertThat(program.size() % 8).isZero();

        int mapsIndex = elf.section(".maps").orElseThrow().index();
        assertThat(elf.symbols())
                .contains(new ElfFile.Symbol("tapwire_exec", program.index()))
                .contains(new ElfFile.Symbol("tapwire_exec_events", mapsIndex))
                .contains(new ElfFile.Symbol("tapwire_ringbuf_drops", mapsIndex));
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
