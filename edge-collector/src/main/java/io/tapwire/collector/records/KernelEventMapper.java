package io.tapwire.collector.records;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.IntFunction;

import io.tapwire.collector.bpf.ExecEvent;
import io.tapwire.collector.bpf.FileOpenEvent;
import io.tapwire.collector.bpf.KernelEvent;
import io.tapwire.collector.bpf.KernelTask;
import io.tapwire.collector.bpf.L7PayloadEvent;
import io.tapwire.collector.bpf.OomKillEvent;
import io.tapwire.collector.bpf.ProcessExitEvent;
import io.tapwire.collector.bpf.ProcessStartEvent;
import io.tapwire.collector.bpf.TcpEndpoints;
import io.tapwire.collector.bpf.TcpRole;
import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.collector.proc.AddressText;
import io.tapwire.collector.proc.CgroupIds;
import io.tapwire.collector.proc.ProcessFacts;
import io.tapwire.collector.proc.ProcessFactsCache;
import io.tapwire.collector.redact.RedactionRules;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.FileEvent;
import io.tapwire.schemas.raw.FileEventType;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * Turns decoded kernel events into raw records: stamps them (identity, sequence, epoch time), keys them in their
 * topic's format, and adds the /proc facts the kernel does not give (exe, cmdline, cgroup path) while the process
 * can still be read. Facts only: nothing here interprets them. Not thread-safe (the poll thread owns it).
 */
public final class KernelEventMapper {

    private static final ConnectionRole[] ROLES = byName(TcpRole.values(), ConnectionRole::valueOf, ConnectionRole[]::new);

    private final RecordHeaders headers;
    private final ProcessFactsCache facts;
    private final CgroupIds cgroups;
    private final SnapshotRoles roles;
    private final NodeKeys keys;
    private final AddressTexts addressTexts = new AddressTexts();
    private final PayloadRecordMapper payloads;

    public KernelEventMapper(RecordHeaders headers, ProcessFactsCache facts, CgroupIds cgroups, SnapshotRoles roles,
                             RedactionRules redaction) {
        this.headers = headers;
        this.facts = facts;
        this.cgroups = cgroups;
        this.roles = roles;
        this.keys = new NodeKeys(headers.identity());
        this.payloads = new PayloadRecordMapper(headers, roles, keys, addressTexts, redaction);
    }

    public Optional<RawRecord> map(KernelEvent event) {
        if (event instanceof L7PayloadEvent e) {
            return Optional.of(payloads.map(e));
        }
        if (event instanceof ExecEvent e) {
            return Optional.of(process(e.ktimeNs(), e.task(), e.startTicks(), ProcessEventType.EXEC, e.ppid(), e.uid())
                    .apply(p -> p.setExecFilename(e.filename()), true));
        }
        if (event instanceof ProcessStartEvent e) {
            return Optional.of(process(e.ktimeNs(), e.task(), e.startTicks(), ProcessEventType.START, e.ppid(), e.uid())
                    .apply(p -> { }, true));
        }
        if (event instanceof ProcessExitEvent e) {
            facts.invalidate(e.task().pid());
            return Optional.of(process(e.ktimeNs(), e.task(), e.startTicks(), ProcessEventType.EXIT, e.ppid(), e.uid())
                    .apply(p -> {
                        if (e.killedBySignal()) {
                            p.setExitSignal(e.signal());
                        } else {
                            p.setExitCode(e.exitStatus());
                        }
                        p.setCoreDumped(e.coreDumped());
                    }, false));
        }
        if (event instanceof OomKillEvent e) {
            return Optional.of(oomKill(e));
        }
        if (event instanceof io.tapwire.collector.bpf.TcpEvent e) {
            return Optional.of(tcp(e));
        }
        if (event instanceof FileOpenEvent e) {
            RawHeader header = headers.event(e.ktimeNs());
            // Constructors, not builders, on the hottest event types: see RecordHeaders.event.
            FileEvent file = new FileEvent(header, task(e.task(), e.processStartTicks()), FileEventType.OPEN_WRITE, e.path(), e.fd(),
                    e.openFlags());
            return Optional.of(new RawRecord(TapwireTopic.RAW_FILE, pidKey(e.task().pid()), file, header.getEpochTimeNs()));
        }
        return Optional.empty();
    }

    /**
     * An OOM kill. The tracepoint runs in the task whose allocation failed; when that is not the victim, the kernel
     * recorded only the victim's pid and comm, and the rest (start time, which names the process; parent; cgroup;
     * namespace) comes from what the collector knows of that pid: its cache, else /proc while the victim dies.
     */
    private RawRecord oomKill(OomKillEvent e) {
        KernelTask task = e.task();
        long startTicks = e.startTicks();
        int ppid = e.ppid();
        int uid = e.uid();
        int pid = task.pid();
        Optional<ProcessFacts> victim = e.victimWasCurrent() ? Optional.empty()
                : facts.cached(pid).or(() -> facts.lookup(pid));
        if (victim.isPresent()) {
            ProcessFacts f = victim.get();
            long cgroupId = f.cgroup().map(cgroups::idOf).orElse(OptionalLong.empty()).orElse(0);
            task = new KernelTask(task.pid(), task.pid(), task.comm().isEmpty() ? f.comm() : task.comm(), cgroupId,
                    f.netNamespaceInode().orElse(0));
            startTicks = f.startTimeTicks();
            ppid = f.ppid();
            uid = f.uid().orElse(uid);
        }
        boolean unknownVictim = !e.victimWasCurrent() && victim.isEmpty();
        return process(e.ktimeNs(), task, startTicks, ProcessEventType.OOM_KILL, ppid, uid).apply(p -> {
            e.rssBytes().ifPresent(p::setOomRssBytes);
            if (unknownVictim) {
                p.setProcError("the OOM victim was not the task that ran out of memory and was gone before /proc "
                        + "was read: only its pid and comm are known");
            }
        }, false);
    }

    /** A process event under construction: the common fields set, the type-specific ones added by the caller. */
    private final class ProcessRecord {
        private final ProcessEvent.Builder builder;
        private final RawHeader header;
        private final long startTicks;

        ProcessRecord(ProcessEvent.Builder builder, RawHeader header, long startTicks) {
            this.builder = builder;
            this.header = header;
            this.startTicks = startTicks;
        }

        /** Finishes the record; {@code readProc}: add /proc facts (at start and exec, while the process lives). */
        RawRecord apply(java.util.function.Consumer<ProcessEvent.Builder> specific, boolean readProc) {
            specific.accept(builder);
            if (readProc) {
                addFacts(builder, builder.getTaskBuilder().getPid(), startTicks);
            }
            return new RawRecord(TapwireTopic.RAW_PROCESS, pidKey(builder.getTaskBuilder().getPid()), builder.build(),
                    header.getEpochTimeNs());
        }
    }

    private ProcessRecord process(long ktimeNs, KernelTask task, long startTicks, ProcessEventType type, int ppid,
                                  int uid) {
        RawHeader header = headers.event(ktimeNs);
        ProcessEvent.Builder builder = ProcessEvent.newBuilder().setHeader(header)
                .setTaskBuilder(TaskContext.newBuilder(task(task, startTicks)))
                .setType(type).setPpid(ppid).setStartTimeTicks(startTicks).setUid(uid);
        return new ProcessRecord(builder, header, startTicks);
    }

    private void addFacts(ProcessEvent.Builder builder, int pid, long startTicks) {
        // An exec changes exe and cmdline: read them afresh for this (pid, start time).
        facts.invalidate(pid);
        Optional<ProcessFacts> found = facts.lookup(pid, startTicks);
        if (found.isEmpty()) {
            builder.setProcError("process exited before /proc was read");
            // The kernel recorded the cgroup id: its directory still names the pod, container or unit.
            cgroups.pathOf(builder.getTaskBuilder().getCgroupId()).ifPresent(builder::setCgroupPath);
            return;
        }
        ProcessFacts f = found.get();
        f.cgroup().ifPresent(cgroup -> builder.setCgroupPath(cgroup.recorded()));
        if (builder.getType() == ProcessEventType.START && execdBeforeRead(f, builder)) {
            // A fork that exec'd before /proc was read: exe and cmdline are the new program's, which the EXEC
            // record that follows carries. They would mislabel the fork (a shell's child as its program). Until its
            // exec the fork ran its parent's program: that is what it was, and what names it (not the thread that
            // forked it, whose name is the fork's comm: a JVM's child was /host/<thread name>).
            builder.setProcError("exec'd before /proc was read: exe and cmdline are its parent's, which it ran until "
                    + "its exec; the new program's are on its EXEC record");
            facts.lookup(builder.getPpid()).ifPresent(parent -> {
                parent.executable().ifPresent(exe -> builder.setExe(exe.path()));
                if (!parent.cmdline().isEmpty()) {
                    builder.setCmdline(parent.cmdline());
                }
            });
            return;
        }
        f.executable().ifPresent(exe -> builder.setExe(exe.path()));
        if (!f.cmdline().isEmpty()) {
            builder.setCmdline(f.cmdline());
        }
    }

    /**
     * Whether a fork's /proc entry already shows a program it exec'd. exec replaces exe, then the memory (cmdline),
     * then comm, so a read in the middle can show a new exe beside the old comm: a fork's exe is its parent's
     * unless it exec'd, its comm the kernel's at the fork, and its cmdline is empty only while exec swaps memory.
     */
    private boolean execdBeforeRead(ProcessFacts child, ProcessEvent.Builder builder) {
        if (!child.comm().equals(builder.getTaskBuilder().getComm())) {
            return true;
        }
        if (child.executable().isPresent() && child.cmdline().isEmpty()) {
            return true;
        }
        Optional<ProcessFacts> parent = facts.lookup(builder.getPpid());
        return parent.isPresent() && parent.get().executable().isPresent() && child.executable().isPresent()
                && !parent.get().executable().get().path().equals(child.executable().get().path());
    }

    private RawRecord tcp(io.tapwire.collector.bpf.TcpEvent e) {
        RawHeader header = headers.event(e.ktimeNs());
        ConnectionRole role = role(e.role());
        // A socket older than the collector: the kernel did not see its connect or accept, the snapshot did.
        boolean roleFromSnapshot = role == ConnectionRole.UNKNOWN;
        if (roleFromSnapshot) {
            role = roles.of(e.socketInode());
        }
        TcpEvent.Builder tcp = TcpEvent.newBuilder().setHeader(header).setTask(task(e.task(), e.processStartTicks()))
                .setType(TcpEventType.valueOf(e.type().name().substring("TCP_".length())))
                .setSocketInode(e.socketInode())
                .setRole(role)
                .setTuple(tuple(e.endpoints(), addressTexts))
                .setTcpState(e.state().name());
        if (e.fd() >= 0) {
            tcp.setFd(e.fd());
        }
        switch (e.type()) {
            case TCP_CONNECT_OK -> tcp.setHandshakeNs(e.handshakeNs()).setSrttUs(e.srttUs());
            case TCP_CONNECT_FAILED -> tcp.setErrorCode(e.errorCode());
            case TCP_CLOSE, TCP_STATS, TCP_RETRANSMIT -> {
                // The kernel takes an actively opened socket's SYN out of bytes_acked only when it knew the role.
                long sent = roleFromSnapshot && role == ConnectionRole.CLIENT && e.bytesAcked() > 0
                        ? e.bytesAcked() - 1 : e.bytesAcked();
                tcp.setBytesSent(sent).setBytesReceived(e.bytesReceived())
                        .setSrttUs(e.srttUs()).setRetransmittedSegments(e.totalRetrans());
            }
            default -> { }
        }
        String key = keys.connection(e.socketInode());
        return new RawRecord(TapwireTopic.RAW_TCP, key, tcp.build(), header.getEpochTimeNs());
    }

    static SocketTuple tuple(TcpEndpoints endpoints, AddressTexts texts) {
        return new SocketTuple(endpoints.ipv6() ? AddressFamily.IPV6 : AddressFamily.IPV4,
                texts.of(endpoints.localAddress(), endpoints.ipv6()), endpoints.localPort(),
                texts.of(endpoints.remoteAddress(), endpoints.ipv6()), endpoints.remotePort());
    }

    /** The record's role of a kernel role: the same names. */
    static ConnectionRole role(TcpRole role) {
        return ROLES[role.ordinal()];
    }

    /** {@code values} mapped by name to another enum's constants, indexed by ordinal: no name lookup per record. */
    static <K extends Enum<K>, V> V[] byName(K[] values, Function<String, V> valueOf, IntFunction<V[]> newArray) {
        V[] mapped = newArray.apply(values.length);
        for (K value : values) {
            mapped[value.ordinal()] = valueOf.apply(value.name());
        }
        return mapped;
    }

    /** Canonical text; an IPv6 socket's v4-mapped address stays ::ffff:a.b.c.d as the kernel reported it. */
    static String text(InetAddress address, boolean ipv6Socket) {
        if (ipv6Socket && address instanceof Inet4Address) {
            return "::ffff:" + AddressText.of(address.getAddress());
        }
        return AddressText.of(address.getAddress());
    }

    static TaskContext task(KernelTask task, long processStartTicks) {
        return new TaskContext(task.pid(), task.tid(), task.comm(), task.cgroupId(), task.netnsInode(), processStartTicks);
    }

    private String pidKey(int pid) {
        return keys.pid(pid);
    }
}
