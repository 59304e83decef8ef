package io.tapwire.collector.app;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.tapwire.collector.bpf.EventType;
import io.tapwire.collector.bpf.KernelEvent;
import io.tapwire.collector.bpf.KernelEventDecoder;
import io.tapwire.collector.bpf.KernelProbeSettings;
import io.tapwire.collector.bpf.KernelProbes;
import io.tapwire.collector.bpf.KernelRequirements;
import io.tapwire.collector.bpf.RingBufferPoller;
import io.tapwire.collector.inventory.InventoryPartHeader;
import io.tapwire.collector.inventory.InventoryPartHeaders;
import io.tapwire.collector.inventory.InventorySnapshotter;
import io.tapwire.collector.inventory.PeriodicInventory;
import io.tapwire.collector.metrics.CollectorMetrics;
import io.tapwire.collector.metrics.MetricsEndpoint;
import io.tapwire.collector.node.ClockOffset;
import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.collector.node.SequenceNumbers;
import io.tapwire.collector.proc.CgroupIds;
import io.tapwire.collector.proc.ProcFs;
import io.tapwire.collector.proc.ProcessFactsCache;
import io.tapwire.collector.produce.HeartbeatSender;
import io.tapwire.collector.produce.RawProducer;
import io.tapwire.collector.records.KernelEventMapper;
import io.tapwire.collector.records.SnapshotRoles;
import io.tapwire.collector.records.RawRecord;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.topics.TapwireTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running collector: kernel probes → decode → map to raw records (with /proc facts) → produce, on one poll
 * thread; heartbeats, clock re-measurement and producer readiness on a scheduler; inventory snapshots on their own
 * thread; the metrics endpoint. {@link #close()} detaches everything and flushes what was produced.
 */
public final class Collector implements AutoCloseable {

    public static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final CollectorSettings settings;
    private final NodeIdentity identity;
    private final CollectorMetrics metrics = new CollectorMetrics();
    private final Map<EventType, LongAdder> eventsByType = new EnumMap<>(EventType.class);
    private final LongAdder unmapped;
    private final LongAdder undecodable;
    private final ClockOffset clock = ClockOffset.measure();
    private final RecordHeaders headers;
    private final RawProducer producer;
    private final KernelProbes probes;
    private volatile boolean pollingHeld;
    /** Records in one poll above which the next poll follows at once. */
    static final int FULL_BATCH = 256;
    private final RingBufferPoller poller;
    private final KernelEventMapper mapper;
    private final SnapshotRoles snapshotRoles = new SnapshotRoles();
    private final ScheduledExecutorService scheduler;
    private final PeriodicInventory inventory;
    private final MetricsEndpoint endpoint;
    private final Thread pollThread;
    private volatile boolean running = true;
    private volatile boolean producerReady;

    private Collector(CollectorSettings settings) {
        this.settings = settings;
        ProcFs procFs = new ProcFs(settings.procRoot());
        this.identity = NodeIdentity.detect(settings.cluster(), settings.nodeOverride(), settings.procRoot());
        this.headers = new RecordHeaders(identity, new SequenceNumbers(), clock);
        for (EventType type : EventType.values()) {
            eventsByType.put(type, metrics.counter("tapwire_collector_events_total", "Kernel events decoded, by type",
                    "type", type.name().toLowerCase(java.util.Locale.ROOT)));
        }
        this.unmapped = metrics.counter("tapwire_collector_dropped_records_total", "Raw records dropped in user space, by reason",
                "reason", "unmapped_event");
        this.producer = new RawProducer(settings.producer(), new RegistryClient(RegistryClientConfig.of(settings.registryUrl())),
                metrics);
        ProcessFactsCache facts = new ProcessFactsCache(procFs);
        this.mapper = new KernelEventMapper(headers, facts, CgroupIds.locate(procFs), snapshotRoles,
                settings.redaction());
        TaskContext self = selfTask(procFs);

        // Checked again by KernelProbes.start; first here, so that a machine that cannot run the probes says so at
        // once, not after the wait for Kafka below.
        KernelRequirements.check();
        this.producerReady = producer.prepare(Duration.ofSeconds(10));
        if (!producerReady) {
            LOG.warn("Kafka or the schema registry is not reachable yet ({}); records are dropped and counted until"
                    + " it is", producer.lastPrepareError());
        }
        InventorySnapshotter snapshotter = InventorySnapshotter.builder(VERSION).procFs(procFs).processFacts(facts)
                .excludedPids(settings.excludedPids()).excludedPidsAlone(settings.excludedPidsAlone()).build();
        InventoryPartHeaders inventoryHeaders = part -> new InventoryPartHeader(headers.now(), self);
        // A snapshot before the probes attach, so it precedes every kernel event in event time: the topology names
        // the processes that ran before the collector from it, and an event of theirs stamped before the periodic
        // snapshot below had nothing to be named by but its thread's name. The periodic inventory's first snapshot,
        // right after the attach, adds what started while the programs loaded.
        try {
            produceInventory(snapshotter.snapshot(clock.offsetNs(), inventoryHeaders));
        } catch (RuntimeException e) {
            LOG.warn("the inventory snapshot before the probes attach failed; the periodic one follows them", e);
        }

        KernelProbeSettings probeSettings = withExclusions(settings.probes(), settings.excludedPids(),
                settings.excludedPidsAlone(), settings.excludedLocalPorts());
        this.probes = KernelProbes.start(probeSettings);
        for (EventType type : EventType.values()) {
            metrics.gauge("tapwire_collector_kernel_dropped_events_total",
                    "Events the kernel could not reserve ring-buffer space for, by type (summed over CPUs)",
                    () -> probes.drops(type), "type", type.name().toLowerCase(java.util.Locale.ROOT));
        }
        metrics.gauge("tapwire_collector_cpu_seconds_total", "CPU time used by the collector's process",
                () -> ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN));
        this.undecodable = metrics.counter("tapwire_collector_dropped_records_total",
                "Raw records dropped in user space, by reason", "reason", "undecodable_kernel_record");
        // Decoding here, not in the poller: one odd record is counted and skipped, the rest of the batch goes on.
        this.poller = probes.openRawPoller(record -> {
            KernelEvent event;
            try {
                event = KernelEventDecoder.decode(record);
            } catch (RuntimeException e) {
                undecodable.increment();
                return;
            }
            onEvent(event);
        });

        HeartbeatSender heartbeats = new HeartbeatSender(producer, headers, self);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tapwire-collector-scheduler"));
        scheduler.scheduleWithFixedDelay(() -> guarded("heartbeat", () -> {
            if (!producerReady) {
                producerReady = producer.prepare(Duration.ofSeconds(1));
            }
            heartbeats.sendAll();
        }), 0, settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> guarded("clock", clock::remeasure),
                settings.clockInterval().toMillis(), settings.clockInterval().toMillis(), TimeUnit.MILLISECONDS);

        this.inventory = new PeriodicInventory(snapshotter, settings.inventoryInterval(), clock::offsetNs,
                inventoryHeaders, this::produceInventory);
        inventory.start();

        this.endpoint = MetricsEndpoint.start(settings.metricsHost(), settings.metricsPort(), metrics);
        this.pollThread = daemon(this::pollLoop, "tapwire-collector-poll");
        pollThread.start();
    }

    /** Starts everything; fails with a clear message when the machine or the settings do not allow it. */
    public static Collector start(CollectorSettings settings) {
        return new Collector(settings);
    }

    public NodeIdentity identity() {
        return identity;
    }

    public CollectorMetrics metrics() {
        return metrics;
    }

    public int metricsPort() {
        return endpoint.port();
    }

    public List<String> attachedPrograms() {
        return probes.attachedPrograms();
    }

    public boolean producerReady() {
        return producerReady;
    }

    /** Events the kernel could not put in its ring buffers since the start, by type (the buffer was full). */
    public Map<EventType, Long> kernelDrops() {
        return probes.drops();
    }

    /**
     * Holds the poll thread (true) or lets it go on (false). For measurements only: while held, the kernel keeps
     * buffering events and drops, counted, what its ring buffers cannot hold; a drain benchmark fills them first.
     */
    public void holdPolling(boolean hold) {
        pollingHeld = hold;
    }

    private void pollLoop() {
        long batchWaitMs = settings.pollBatchWait().toMillis();
        while (running) {
            try {
                if (pollingHeld) {
                    Thread.sleep(10);
                    continue;
                }
                int handled = poller.poll(settings.pollTimeout());
                // A steady trickle would wake this thread for every few records: let some gather first. A busy
                // buffer (a full batch) is read again at once, so the wait never makes it overflow.
                if (handled > 0 && handled < FULL_BATCH && batchWaitMs > 0) {
                    Thread.sleep(batchWaitMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Odd kernel data must never stop the collector: count, log, go on.
                unmapped.increment();
                LOG.warn("Ring buffer poll failed; continuing", e);
            }
        }
    }

    private void onEvent(KernelEvent event) {
        eventsByType.get(event.type()).increment();
        RawRecord record = mapper.map(event).orElse(null);
        if (record == null) {
            unmapped.increment();
            return;
        }
        producer.send(record.topic(), record.key(), record.value(), record.epochNs());
    }

    private void produceInventory(List<NodeInventory> parts) {
        snapshotRoles.update(parts);
        String key = new NodeKey(identity.cluster(), identity.node()).format();
        for (NodeInventory part : parts) {
            producer.send(TapwireTopic.RAW_INVENTORY, key, part, part.getHeader().getEpochTimeNs());
        }
    }

    private static KernelProbeSettings withExclusions(KernelProbeSettings probes, java.util.Set<Integer> pids,
                                                      java.util.Set<Integer> pidsAlone, java.util.Set<Integer> ports) {
        KernelProbeSettings.Builder builder = probes.toBuilder();
        pids.forEach(builder::excludePid);
        pidsAlone.forEach(builder::excludePidAlone);
        ports.forEach(builder::excludeLocalPort);
        return builder.build();
    }

    /** The collector's own task, named in heartbeats and snapshots. */
    private static TaskContext selfTask(ProcFs procFs) {
        int pid = (int) ProcessHandle.current().pid();
        long netns = 0;
        try {
            String link = Files.readSymbolicLink(procFs.root().resolve("self/ns/net")).toString();
            netns = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the collector's network namespace", e);
        }
        long start = procFs.stat(pid).map(s -> s.startTimeTicks()).orElse(0L);
        CgroupIds cgroups = CgroupIds.locate(procFs);
        long cgroupId = procFs.cgroup(pid).map(c -> cgroups.idOf(c).orElse(0)).orElse(0L);
        return TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(procFs.comm(pid).orElse("java"))
                .setCgroupId(cgroupId).setNetnsInode(netns).setProcessStartTicks(start).build();
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("Collector {} task failed; it runs again on schedule", what, e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        running = false;
        try {
            pollThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inventory.close();
        scheduler.shutdownNow();
        poller.close();
        probes.close();
        producer.flush();
        producer.close();
        endpoint.close();
    }
}
