package io.tapwire.collector.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real BPF ring buffer the test fills on demand: src/test/bpf/tapwire_ring_writer.bpf.c, compiled here with clang
 * (it is not shipped in the bpf module), loaded, and its "syscall" program run with BPF_PROG_TEST_RUN for each
 * record. The ring is 4,096 bytes (one page), so a few records wrap it. Needs root, clang and libbpf's headers.
 */
final class RingWriter implements AutoCloseable {

    static final String MAP = "tw_test_ring";
    static final int RING_SIZE = 4096;
    static final int MAX_WRITE = 8192;
    private static final String PROGRAM = "tw_ring_write";
    private static final Path SOURCE = Path.of("src/test/bpf/tapwire_ring_writer.bpf.c");
    /** {@code struct bpf_test_run_opts} of libbpf 1.1: sz, ctx_in at 32, ctx_size_in at 48, retval at 56. */
    private static final int TEST_RUN_OPTS_SIZE = 80;

    static {
        Native.register(RingWriter.class, NativeLibrary.getInstance(LibBpf.LIBRARY));
    }

    private static native int bpf_prog_test_run_opts(int progFd, Memory opts);

    private final BpfObject object;
    private final int programFd;
    private final Memory context = new Memory(12);
    private final Memory opts = new Memory(TEST_RUN_OPTS_SIZE);

    private RingWriter(BpfObject object) {
        this.object = object;
        this.programFd = object.programFd(PROGRAM);
    }

    static RingWriter load() {
        return new RingWriter(BpfObject.openImage("tapwire_ring_writer", compile()).load());
    }

    BpfObject object() {
        return object;
    }

    /** Writes a record of {@code size} bytes: {@code seq} in its first 4, byte i ≥ 4 being (seq + i) & 0xff. */
    boolean write(int size, int seq) {
        return run(size, 0, seq) == 0;
    }

    /** Reserves a 64-byte record and discards it. */
    void discard() {
        int result = run(0, 1, 0);
        if (result != 0) {
            throw new IllegalStateException("the ring had no room for a record to discard (" + result + ")");
        }
    }

    /** The bytes {@link #write} writes. */
    static byte[] expected(int size, int seq) {
        byte[] bytes = new byte[size];
        for (int i = 4; i < size; i++) {
            bytes[i] = (byte) (seq + i);
        }
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).putInt(0, seq);
        return bytes;
    }

    private int run(int size, int discard, int seq) {
        context.setInt(0, size);
        context.setInt(4, discard);
        context.setInt(8, seq);
        opts.clear();
        opts.setLong(0, TEST_RUN_OPTS_SIZE);
        opts.setPointer(32, context);
        opts.setInt(48, (int) context.size());
        LibBpfException.check("bpf_prog_test_run_opts(" + PROGRAM + ")", bpf_prog_test_run_opts(programFd, opts));
        int result = opts.getInt(56);
        if (result == 2) {
            throw new IllegalArgumentException("size " + size + " outside 4.." + MAX_WRITE);
        }
        return result;
    }

    private static byte[] compile() {
        try {
            Path object = Files.createTempFile("tapwire_ring_writer", ".bpf.o");
            try {
                String multiarch = System.getProperty("os.arch").equals("amd64") ? "x86_64-linux-gnu"
                        : System.getProperty("os.arch").toLowerCase(Locale.ROOT) + "-linux-gnu";
                Process clang = new ProcessBuilder("clang", "-O2", "-g", "-Wall", "-Werror", "-target", "bpf",
                        "-I/usr/include/" + multiarch, "-c", SOURCE.toString(), "-o", object.toString())
                        .redirectErrorStream(true).start();
                String output = new String(clang.getInputStream().readAllBytes());
                if (!clang.waitFor(60, TimeUnit.SECONDS) || clang.exitValue() != 0) {
                    throw new IllegalStateException("clang could not compile " + SOURCE + ":\n" + output);
                }
                return Files.readAllBytes(object);
            } finally {
                Files.deleteIfExists(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        object.close();
    }
}
