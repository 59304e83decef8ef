package io.tapwire.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Just enough of an ELF64 little-endian reader to check what a BPF object contains: section headers
 * and the symbol table. Offsets are from the System V gABI ("ELF-64 Object File Format").
 */
final class ElfFile {

    static final int EM_BPF = 247;
    static final int SHT_SYMTAB = 2;

    record Section(int index, String name, int type, long offset, long size, int link) {
    }

    record Symbol(String name, int sectionIndex) {
    }

    private final ByteBuffer bytes;
    private final int machine;
    private final List<Section> sections;

    private ElfFile(ByteBuffer bytes) {
        this.bytes = bytes;
        if (bytes.limit() < 64 || bytes.getInt(0) != 0x464C457F) { // "\x7FELF" read little-endian
            throw new IllegalArgumentException("not an ELF file");
        }
        if (bytes.get(4) != 2 || bytes.get(5) != 1) {
            throw new IllegalArgumentException("not ELF64 little-endian (class " + bytes.get(4) + ", data " + bytes.get(5) + ")");
        }
        this.machine = Short.toUnsignedInt(bytes.getShort(0x12));
        this.sections = readSections();
    }

    static ElfFile parse(byte[] data) {
        return new ElfFile(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
    }

    int machine() {
        return machine;
    }

    List<Section> sections() {
        return sections;
    }

    Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    byte[] contents(Section section) {
        byte[] out = new byte[Math.toIntExact(section.size())];
        bytes.get(Math.toIntExact(section.offset()), out);
        return out;
    }

    /** Symbols of the (single) .symtab, with the index of the section each is defined in. */
    List<Symbol> symbols() {
        Section symtab = sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst()
                .orElseThrow(() -> new IllegalStateException("no symbol table"));
        Section strtab = sections.get(symtab.link());
        List<Symbol> symbols = new ArrayList<>();
        for (long at = symtab.offset(); at < symtab.offset() + symtab.size(); at += 24) { // Elf64_Sym is 24 bytes
            int nameOffset = bytes.getInt(Math.toIntExact(at));
            int sectionIndex = Short.toUnsignedInt(bytes.getShort(Math.toIntExact(at + 6)));
            symbols.add(new Symbol(string(strtab, nameOffset), sectionIndex));
        }
        return symbols;
    }

    private List<Section> readSections() {
        long tableOffset = bytes.getLong(0x28);
        int entrySize = Short.toUnsignedInt(bytes.getShort(0x3A));
        int count = Short.toUnsignedInt(bytes.getShort(0x3C));
        int namesIndex = Short.toUnsignedInt(bytes.getShort(0x3E));
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = Math.toIntExact(tableOffset + (long) i * entrySize);
            raw.add(new long[] {
                Integer.toUnsignedLong(bytes.getInt(at)),      // sh_name
                Integer.toUnsignedLong(bytes.getInt(at + 4)),  // sh_type
                bytes.getLong(at + 24),                        // sh_offset
                bytes.getLong(at + 32),                        // sh_size
                Integer.toUnsignedLong(bytes.getInt(at + 40)), // sh_link
            });
        }
        long[] names = raw.get(namesIndex);
        Section nameTable = new Section(namesIndex, ".shstrtab", (int) names[1], names[2], names[3], (int) names[4]);
        List<Section> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long[] r = raw.get(i);
            result.add(new Section(i, string(nameTable, (int) r[0]), (int) r[1], r[2], r[3], (int) r[4]));
        }
        return List.copyOf(result);
    }

    private String string(Section table, int offset) {
        int start = Math.toIntExact(table.offset() + offset);
        int end = start;
        while (bytes.get(end) != 0) {
            end++;
        }
        byte[] out = new byte[end - start];
        bytes.get(start, out);
        return new String(out, StandardCharsets.UTF_8);
    }
}
