package io.tapwire.collector.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BPF object from the bpf module's jar, through its life: {@link #openResource open} → optionally
 * {@link #resizeMap resize maps} → {@link #load} → {@link #attachAll} → {@link #close}.
 *
 * <p>{@link #close} destroys every link this object created and then closes the object, which
 * unloads its programs and frees its maps: nothing stays attached after the collector stops. Call
 * it in every state, including after a failed load or attach (try-with-resources). Close every
 * {@link RingBufferPoller} and {@link PerCpuCounterMap} reading this object's maps first.
 *
 * <p>Not thread-safe: set up and close from one thread.
 */
public final class BpfObject implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BpfObject.class);

    /** Where build-bpf.sh puts the objects in the bpf module's jar. */
    private static final String RESOURCE_DIR = "/io/tapwire/bpf/";

    /** {@code struct bpf_object_open_opts} up to object_name: {@code size_t sz} at 0, {@code char *} at 8. */
    private static final int OPEN_OPTS_SIZE = 16;

    private enum State { OPEN, LOADED, ATTACHED, CLOSED }

    private final String name;
    /** libbpf parses this ELF image in place until load finishes; the field keeps it from being freed. */
    private final Memory image;
    private final Pointer object;
    private final List<Pointer> links = new ArrayList<>();
    private final List<String> attachedPrograms = new ArrayList<>();
    private State state = State.OPEN;

    private BpfObject(String name, Memory image, Pointer object) {
        this.name = name;
        this.image = image;
        this.object = object;
    }

    /**
     * Opens {@code /io/tapwire/bpf/<name>.bpf.o} from the classpath (parses the ELF; nothing reaches
     * the kernel yet).
     */
    public static BpfObject openResource(String name) {
        return openImage(name, readResource(RESOURCE_DIR + name + ".bpf.o"));
    }

    /** Opens an object image; {@code name} names it in libbpf's log and errors. */
    static BpfObject openImage(String name, byte[] elf) {
        Memory image = new Memory(Math.max(1, elf.length));
        image.write(0, elf, 0, elf.length);
        Memory objectName = new Memory(name.length() + 1L);
        objectName.setString(0, name, "UTF-8");
        Memory opts = new Memory(OPEN_OPTS_SIZE);
        opts.clear();
        opts.setLong(0, OPEN_OPTS_SIZE);
        opts.setPointer(8, objectName);

        Pointer object = LibBpf.bpf_object__open_mem(image, elf.length, opts);
        int errno = Native.getLastError();
        Reference.reachabilityFence(objectName);
        Reference.reachabilityFence(opts);
        if (object == null) {
            throw new LibBpfException("bpf_object__open_mem(" + name + ")", errno);
        }
        return new BpfObject(name, image, object);
    }

    public String name() {
        return name;
    }

    /**
     * Sets a map's max_entries before load. For a ring buffer that is its size in bytes; the kernel
     * wants a power of two times the page size, and libbpf rounds other sizes up to one.
     */
    public BpfObject resizeMap(String mapName, int maxEntries) {
        requireState(State.OPEN, "resizeMap");
        LibBpfException.check("bpf_map__set_max_entries(" + name + "/" + mapName + ", " + maxEntries + ")",
                LibBpf.bpf_map__set_max_entries(map(mapName), maxEntries));
        return this;
    }

    /**
     * Before load: makes this object use {@code owner}'s map of the same name instead of creating
     * its own, so several objects share one map (the exclusion sets, the drop counters). The two
     * definitions must agree in type, key and value size, and max_entries; libbpf checks.
     */
    public BpfObject reuseMap(String mapName, BpfObject owner) {
        requireState(State.OPEN, "reuseMap");
        LibBpfException.check("bpf_map__reuse_fd(" + name + "/" + mapName + ", map of " + owner.name() + ")",
                LibBpf.bpf_map__reuse_fd(map(mapName), owner.mapFd(mapName)));
        return this;
    }

    /** Creates the maps and loads the programs; the kernel verifier runs here. */
    public BpfObject load() {
        requireState(State.OPEN, "load");
        // On a verifier rejection libbpf has already printed the verifier's log to stderr.
        LibBpfException.check("bpf_object__load(" + name + ")", LibBpf.bpf_object__load(object));
        state = State.LOADED;
        return this;
    }

    /** Attaches every program where its SEC() name says. */
    public BpfObject attachAll() {
        requireState(State.LOADED, "attachAll");
        for (Pointer program = LibBpf.bpf_object__next_program(object, null); program != null;
                program = LibBpf.bpf_object__next_program(object, program)) {
            String programName = LibBpf.bpf_program__name(program);
            Pointer link = LibBpf.bpf_program__attach(program);
            int errno = Native.getLastError();
            if (link == null) {
                throw new LibBpfException("bpf_program__attach(" + name + "/" + programName + ")", errno);
            }
            links.add(link);
            attachedPrograms.add(programName);
        }
        state = State.ATTACHED;
        LOG.info("BPF object {} loaded, programs attached: {}", name, attachedPrograms);
        return this;
    }

    public List<String> attachedPrograms() {
        return List.copyOf(attachedPrograms);
    }

    /** The fd of a loaded map; owned by this object and invalid after {@link #close}. */
    public int mapFd(String mapName) {
        if (state != State.LOADED && state != State.ATTACHED) {
            throw new IllegalStateException("mapFd(" + mapName + ") needs " + name + " loaded; it is " + state);
        }
        return LibBpfException.check("bpf_map__fd(" + name + "/" + mapName + ")", LibBpf.bpf_map__fd(map(mapName)));
    }

    /** The fd of a loaded program (for tests that run one with BPF_PROG_TEST_RUN); owned by this object. */
    int programFd(String programName) {
        if (state != State.LOADED && state != State.ATTACHED) {
            throw new IllegalStateException("programFd(" + programName + ") needs " + name + " loaded; it is " + state);
        }
        Pointer program = LibBpf.bpf_object__find_program_by_name(object, programName);
        if (program == null) {
            throw new IllegalArgumentException("BPF object " + name + " has no program named " + programName);
        }
        return LibBpfException.check("bpf_program__fd(" + name + "/" + programName + ")",
                LibBpf.bpf_program__fd(program));
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        int linkCount = links.size();
        for (int i = linkCount - 1; i >= 0; i--) {
            int result = LibBpf.bpf_link__destroy(links.get(i));
            if (result < 0) {
                // bpf_link__destroy frees the link either way; the object close below still unloads.
                LOG.warn("bpf_link__destroy({}/{}) returned errno {}", name, attachedPrograms.get(i), -result);
            }
        }
        links.clear();
        LibBpf.bpf_object__close(object);
        state = State.CLOSED;
        LOG.info("BPF object {} closed ({} links destroyed, programs unloaded)", name, linkCount);
    }

    private Pointer map(String mapName) {
        Pointer map = LibBpf.bpf_object__find_map_by_name(object, mapName);
        if (map == null) {
            throw new IllegalArgumentException("BPF object " + name + " has no map named " + mapName);
        }
        return map;
    }

    private void requireState(State expected, String operation) {
        if (state != expected) {
            throw new IllegalStateException(operation + " needs " + name + " " + expected + "; it is " + state);
        }
    }

    private static byte[] readResource(String resource) {
        try (InputStream in = BpfObject.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no BPF object at classpath resource " + resource
                        + " (is the io.tapwire:bpf jar on the classpath?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
