package io.tapwire.collector.bpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls {@link MappedRingBuffer} and {@link RingBufferPoller} use to read BPF ring buffers without libbpf's
 * per-record callback: mapping a ring buffer's pages, and waiting for its wake-ups with epoll. Direct-mapped like
 * {@link LibBpf}, and as thin: {@code -1} and errno ({@link Native#getLastError()}) on failure, no checks here.
 */
final class LibC {

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    /** {@code (void *) -1}. */
    static final long MAP_FAILED = -1L;

    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLLIN = 0x001;
    /**
     * {@code struct epoll_event} is packed on x86-64 ({@code __u32 events; __u64 data}: 12 bytes) and naturally
     * aligned elsewhere (16 bytes).
     */
    static final int EPOLL_EVENT_SIZE = Platform.isIntel() && Platform.is64Bit() ? 12 : 16;
    static final int EPOLL_EVENT_DATA_OFFSET = EPOLL_EVENT_SIZE == 12 ? 4 : 8;

    static final int EINTR = 4;

    private static final int SC_PAGESIZE = 30;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    static long pageSize() {
        return sysconf(SC_PAGESIZE);
    }

    static native long sysconf(int name);

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(long addr, long length);

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMs);

    static native int close(int fd);
}
