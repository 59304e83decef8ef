package io.tapwire.collector.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The smallest process there is: a static x86-64 ELF whose only code is exit(status). No loader, no libc: it lives
 * for microseconds after its exec, far less than the collector needs to see the exec and read /proc.
 */
final class TinyExecutable {

    private static final long BASE = 0x400000;
    private static final int ELF_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;

    private TinyExecutable() {
    }

    /** Writes the program to {@code file} (executable) and returns the file. */
    static Path exitingWith(int status, Path file) throws IOException {
        byte[] code = {
                (byte) 0xb8, 60, 0, 0, 0,            // mov eax, 60 (exit)
                (byte) 0xbf, (byte) status, 0, 0, 0, // mov edi, status
                0x0f, 0x05};                         // syscall
        int size = ELF_HEADER + PROGRAM_HEADER + code.length;
        ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* little-endian */, 1 /* version */, 0 /* SysV */});
        elf.put(new byte[8]);                        // padding of e_ident
        elf.putShort((short) 2);                     // e_type: ET_EXEC
        elf.putShort((short) 0x3e);                  // e_machine: x86-64
        elf.putInt(1);                               // e_version
        elf.putLong(BASE + ELF_HEADER + PROGRAM_HEADER); // e_entry: the code right after the headers
        elf.putLong(ELF_HEADER);                     // e_phoff
        elf.putLong(0);                              // e_shoff: no sections
        elf.putInt(0);                               // e_flags
        elf.putShort((short) ELF_HEADER);            // e_ehsize
        elf.putShort((short) PROGRAM_HEADER);        // e_phentsize
        elf.putShort((short) 1);                     // e_phnum
        elf.putShort((short) 0);                     // e_shentsize
        elf.putShort((short) 0);                     // e_shnum
        elf.putShort((short) 0);                     // e_shstrndx
        elf.putInt(1);                               // p_type: PT_LOAD, the whole file
        elf.putInt(5);                               // p_flags: R + X
        elf.putLong(0);                              // p_offset
        elf.putLong(BASE);                           // p_vaddr
        elf.putLong(BASE);                           // p_paddr
        elf.putLong(size);                           // p_filesz
        elf.putLong(size);                           // p_memsz
        elf.putLong(0x1000);                         // p_align
        elf.put(code);
        Files.write(file, elf.array());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
