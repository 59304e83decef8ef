package io.tapwire.collector.bpf;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of Tapwire's kernel programs, loaded, configured and attached: process lifecycle, TCP, file opens and L7
 * payloads, one BPF object each, each with its own ring buffer.
 *
 * <p>tapwire_process loads first and owns the maps every object shares (exclusions, drop counters);
 * the others take them over with {@link BpfObject#reuseMap} before they load; tapwire_l7 also takes tapwire_tcp's
 * socket map (the roles of sockets). The exclusions from
 * the settings are written before anything attaches, so not one event of an excluded process is
 * ever emitted.
 *
 * <p>{@link #close} detaches and unloads everything. Close every poller first. Not thread-safe,
 * except {@link #exclusions()}.
 */
public final class KernelProbes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KernelProbes.class);

    private final BpfObject process;
    private final BpfObject tcp;
    private final BpfObject file;
    /** Null when L7 capture is off. */
    private final BpfObject l7;
    private final ExclusionMaps exclusions;
    private final PerCpuCounterMap drops;

    private KernelProbes(BpfObject process, BpfObject tcp, BpfObject file, BpfObject l7) {
        this.process = process;
        this.tcp = tcp;
        this.file = file;
        this.l7 = l7;
        this.exclusions = ExclusionMaps.of(process);
        this.drops = PerCpuCounterMap.open(process, ProcessBpfObject.RINGBUF_DROPS_MAP);
    }

    /**
     * Opens, loads and attaches every program.
     *
     * @throws IllegalStateException if the machine lacks what the probes need (root, BTF, tracefs): says what to do
     * @throws LibBpfException if the kernel refuses a step; nothing stays loaded then
     */
    public static KernelProbes start(KernelProbeSettings settings) {
        KernelRequirements.check();
        List<BpfObject> opened = new ArrayList<>();
        try {
            BpfObject process = open(opened, ProcessBpfObject.OBJECT)
                    .resizeMap(ProcessBpfObject.EVENTS_MAP, settings.processRingBufferBytes())
                    .load();
            BpfObject tcp = shareMaps(open(opened, TcpBpfObject.OBJECT), process)
                    .resizeMap(TcpBpfObject.EVENTS_MAP, settings.tcpRingBufferBytes())
                    .resizeMap(TcpBpfObject.SOCKETS_MAP, settings.socketMapEntries())
                    .load();
            BpfObject file = shareMaps(open(opened, FileBpfObject.OBJECT), process)
                    .resizeMap(FileBpfObject.EVENTS_MAP, settings.fileRingBufferBytes())
                    .load();
            BpfObject l7 = settings.l7().enabled() ? loadL7(opened, settings, process, tcp) : null;
            KernelProbes probes = new KernelProbes(process, tcp, file, l7);
            probes.configure(settings);
            process.attachAll();
            tcp.attachAll();
            file.attachAll();
            if (l7 != null) {
                l7.attachAll();
            }
            return probes;
        } catch (RuntimeException | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
            throw e;
        }
    }

    private static BpfObject open(List<BpfObject> opened, String name) {
        BpfObject object = BpfObject.openResource(name);
        opened.add(object);
        return object;
    }

    /**
     * The L7 object, or null when this kernel refuses it: it needs Linux 6.2 or newer (typed loads through
     * bpf_rdonly_cast, task-local storage in tracepoints). Everything else still runs; the reason is logged once.
     */
    private static BpfObject loadL7(List<BpfObject> opened, KernelProbeSettings settings, BpfObject process,
                                    BpfObject tcp) {
        BpfObject l7 = shareMaps(open(opened, L7BpfObject.OBJECT), process)
                .resizeMap(TcpBpfObject.SOCKETS_MAP, settings.socketMapEntries())
                .reuseMap(TcpBpfObject.SOCKETS_MAP, tcp)
                .resizeMap(L7BpfObject.EVENTS_MAP, settings.l7().ringBufferBytes())
                .resizeMap(L7BpfObject.CONNECTIONS_MAP, settings.l7().connectionEntries())
                .resizeMap(L7BpfObject.FDS_MAP, settings.l7().connectionEntries())
                .resizeMap(L7BpfObject.SCRATCH_MAP, possibleCpus());
        try {
            return l7.load();
        } catch (LibBpfException e) {
            LOG.warn("L7 payload capture is off: this kernel refused its programs ({}); it needs Linux 6.2 or newer."
                    + " Set tapwire.collector.l7-capture=false to skip the attempt.", e.getMessage());
            opened.remove(l7);
            l7.close();
            return null;
        }
    }

    private static int possibleCpus() {
        int cpus = LibBpf.libbpf_num_possible_cpus();
        LibBpfException.check("libbpf_num_possible_cpus", cpus);
        return cpus;
    }

    private static BpfObject shareMaps(BpfObject object, BpfObject owner) {
        for (String map : ProcessBpfObject.SHARED_MAPS) {
            object.reuseMap(map, owner);
        }
        return object;
    }

    private void configure(KernelProbeSettings settings) {
        settings.excludedPids().forEach(exclusions::excludeProcess);
        settings.excludedPidsAlone().forEach(exclusions::excludeProcessAlone);
        settings.excludedLocalPorts().forEach(exclusions::excludeLocalPort);
        writeSetting(tcp, TcpBpfObject.SETTINGS_MAP, TcpBpfObject.SETTING_STATS_INTERVAL_NS,
                settings.tcpStatsInterval().toNanos());
        if (l7 != null) {
            writeSetting(l7, L7BpfObject.SETTINGS_MAP, L7BpfObject.SETTING_HEAD_BYTES, settings.l7().headBytes());
            writeSetting(l7, L7BpfObject.SETTINGS_MAP, L7BpfObject.SETTING_TAIL_BYTES, settings.l7().tailBytes());
        }
    }

    private static void writeSetting(BpfObject object, String map, int index, long setting) {
        Memory key = new Memory(Integer.BYTES);
        Memory value = new Memory(Long.BYTES);
        key.setInt(0, index);
        value.setLong(0, setting);
        LibBpfException.check("bpf_map_update_elem(" + object.name() + "/" + map + ")",
                LibBpf.bpf_map_update_elem(object.mapFd(map), key, value, 0));
    }

    /** The excluded pids and ports, to change while running. */
    public ExclusionMaps exclusions() {
        return exclusions;
    }

    /**
     * A poller over the three ring buffers that decodes every record and hands it to {@code consumer}
     * on the polling thread. Records of one concern arrive in order; across concerns, order by
     * {@link KernelEvent#ktimeNs()}.
     */
    public RingBufferPoller openPoller(Consumer<KernelEvent> consumer) {
        return openRawPoller(record -> consumer.accept(KernelEventDecoder.decode(record)));
    }

    /** As {@link #openPoller} but hands over undecoded records, for a caller that decodes only what it needs. */
    public RingBufferPoller openRawPoller(RingBufferPoller.RecordHandler handler) {
        List<RingBufferPoller.RingBufferMap> maps = new ArrayList<>(List.of(
                new RingBufferPoller.RingBufferMap(process, ProcessBpfObject.EVENTS_MAP),
                new RingBufferPoller.RingBufferMap(tcp, TcpBpfObject.EVENTS_MAP),
                new RingBufferPoller.RingBufferMap(file, FileBpfObject.EVENTS_MAP)));
        if (l7 != null) {
            maps.add(new RingBufferPoller.RingBufferMap(l7, L7BpfObject.EVENTS_MAP));
        }
        return RingBufferPoller.open(maps, EventType.maxRecordSize(), handler);
    }

    /** Events of this type the kernel could not reserve ring-buffer space for, since start, summed over CPUs. */
    public long drops(EventType type) {
        return drops.sum(type.code());
    }

    public Map<EventType, Long> drops() {
        Map<EventType, Long> all = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            all.put(type, drops(type));
        }
        return all;
    }

    /** Program names as the objects define them, in attach order. */
    public List<String> attachedPrograms() {
        List<String> names = new ArrayList<>(process.attachedPrograms());
        names.addAll(tcp.attachedPrograms());
        names.addAll(file.attachedPrograms());
        if (l7 != null) {
            names.addAll(l7.attachedPrograms());
        }
        return names;
    }

    /** The loaded objects, for callers that need one of their maps directly. */
    public BpfObject processObject() {
        return process;
    }

    public BpfObject tcpObject() {
        return tcp;
    }

    public BpfObject fileObject() {
        return file;
    }

    @Override
    public void close() {
        if (l7 != null) {
            l7.close();
        }
        file.close();
        tcp.close();
        process.close();
    }
}
