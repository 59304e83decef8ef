package io.tapwire.collector.bpf;

import java.nio.charset.StandardCharsets;

/** A libbpf call failed; the message names the call, its subject and the errno with its meaning. */
public final class LibBpfException extends RuntimeException {

    private static final int EPERM = 1;
    private static final int EACCES = 13;

    private final int errno;

    LibBpfException(String call, int errno) {
        super(call + " failed: errno " + errno + " (" + describe(errno) + ")" + hint(errno));
        this.errno = errno;
    }

    /** The positive errno, possibly a libbpf-specific one (≥ 4000). */
    public int errno() {
        return errno;
    }

    /** Throws for a libbpf int result below zero ({@code -errno}); returns non-negative results. */
    static int check(String call, int result) {
        if (result < 0) {
            throw new LibBpfException(call, -result);
        }
        return result;
    }

    private static String describe(int errno) {
        byte[] text = new byte[128];
        if (LibBpf.libbpf_strerror(errno, text, text.length) != 0) {
            return "unknown error";
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8);
    }

    private static String hint(int errno) {
        if (errno == EPERM || errno == EACCES) {
            return "; loading BPF programs needs root, or CAP_BPF and CAP_PERFMON";
        }
        return "";
    }
}
