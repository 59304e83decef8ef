package io.tapwire.collector.bpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libbpf 1.x calls the collector uses, direct-mapped through JNA and nothing more: no checks, no
 * types. {@link BpfObject}, {@link RingBufferPoller}, {@link PerCpuCounterMap}, {@link ExclusionMaps}
 * and {@link KernelProbes} sit on top and are what the rest of the collector sees. Ring buffers are read from
 * their mapped pages ({@link MappedRingBuffer}, through {@link LibC}), not with libbpf's per-record callback.
 *
 * <p>Direct mapping (static natives bound by {@link Native#register}): cheaper per call than an interface
 * mapping (when libbpf's callback drained the rings, ≈ 2.4 M events/s against ≈ 1.4 M/s).
 *
 * <p>Error convention of libbpf ≥ 1.0: calls returning a pointer return NULL and set errno, which
 * must be read with {@link Native#getLastError()} before the thread makes another native call; calls
 * returning int return {@code -errno}. Errno values from 4000 up are libbpf's own
 * ({@code LIBBPF_ERRNO__*}); {@link #libbpf_strerror} describes both kinds.
 */
final class LibBpf {

    /** Debian's libbpf1 package; the -dev package is not needed at run time. */
    static final String LIBRARY = "libbpf.so.1";

    static {
        try {
            Native.register(LibBpf.class, NativeLibrary.getInstance(LIBRARY));
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("cannot load " + LIBRARY + " (" + e.getMessage()
                    + "): install libbpf 1.x, on Debian/Ubuntu: apt-get install -y libbpf1");
        }
    }

    private LibBpf() {
    }

    /** libbpf reads the ELF image until load finishes: keep {@code objBuf} alive at least that long. */
    static native Pointer bpf_object__open_mem(Pointer objBuf, long objBufSize, Pointer opts);

    static native int bpf_object__load(Pointer obj);

    static native void bpf_object__close(Pointer obj);

    static native Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    static native Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    static native Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    static native String bpf_program__name(Pointer prog);

    static native int bpf_program__fd(Pointer prog);

    static native Pointer bpf_program__attach(Pointer prog);

    static native int bpf_link__destroy(Pointer link);

    static native int bpf_map__fd(Pointer map);

    static native int bpf_map__set_max_entries(Pointer map, int maxEntries);

    /** Before load: use the map behind {@code fd} (another object's) instead of creating one. */
    static native int bpf_map__reuse_fd(Pointer map, int fd);

    static native int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    /** {@code flags}: BPF_ANY (0), BPF_NOEXIST (1), BPF_EXIST (2). */
    static native int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    static native int bpf_map_delete_elem(int fd, Pointer key);

    /** {@code key} NULL gives the first key; -ENOENT after the last. */
    static native int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

    /** {@code info}: for a map, {@code struct bpf_map_info} (type at 0, max_entries at 16); {@code infoLen} in/out. */
    static native int bpf_obj_get_info_by_fd(int fd, Pointer info, Pointer infoLen);

    static native int libbpf_num_possible_cpus();

    static native int libbpf_strerror(int err, byte[] buf, long size);
}
