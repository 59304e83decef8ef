package io.tapwire.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkInterface;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;

/**
 * One node's keep-alive HTTP traffic, as the collector would report it: nginx listening on 0.0.0.0:8080 (from the
 * inventory snapshot, with the client services' processes), and {@link #OPEN} connections to it open at a time from
 * four client services, each request going to the next connection in turn. A connection opens with CONNECT_OK on
 * the client's socket and ACCEPT on nginx's, carries 50–100 requests ({@link ApiHttpTraffic}), and closes on both
 * sockets. Each request is four raw L7 events: the client's write of the request, nginx's read of it, nginx's write
 * of the response, the client's read of it — each whole in its head, with the direction's stream offset (bytes
 * before, contiguous) and TCP sequence number. Events are {@link #STEP_NS} of event time apart.
 */
final class KeepAliveHttpWorkload {

    /** A raw record, the topic it goes to and its event time. */
    record Raw(TapwireTopic topic, String key, SpecificRecord value, long timestampMs) {
    }

    static final int OPEN = 16;
    static final long STEP_NS = 100_000;
    private static final long NETNS = 4026531840L;
    private static final String ADDRESS = "10.0.0.1";
    private static final int PORT = 8080;
    /** The kernel's monotonic clock started this long before the workload's first event. */
    private static final long UPTIME_NS = 3 * 86_400_000_000_000L;
    private static final Service NGINX = new Service(500, 10, "nginx", "/usr/sbin/nginx",
            "0::/system.slice/nginx.service");
    private static final List<Service> CLIENTS = List.of(
            new Service(600, 20, "api", "/usr/bin/api", "0::/system.slice/api.service"),
            new Service(610, 21, "web", "/usr/bin/web", "0::/system.slice/web.service"),
            new Service(620, 22, "checkout", "/usr/bin/checkout", "0::/system.slice/checkout.service"),
            new Service(630, 23, "search", "/usr/bin/search", "0::/system.slice/search.service"));

    private record Service(int pid, long startTicks, String comm, String exe, String cgroup) {
        TaskContext task() {
            return KeepAliveHttpWorkload.task(pid, startTicks, comm);
        }
    }

    /** Both sockets of one connection and the bytes each direction has carried so far. */
    private final class Connection {
        final Service client;
        final long clientInode;
        final long serverInode;
        final SocketTuple clientEnd;
        final SocketTuple serverEnd;
        final int quota;
        final long clientIsn;
        final long serverIsn;
        int done;
        long toServer;
        long toClient;

        Connection(int index) {
            this.client = CLIENTS.get(index % CLIENTS.size());
            this.clientInode = 200_000 + 2L * index;
            this.serverInode = clientInode + 1;
            int port = 20_000 + index % 40_000;
            this.clientEnd = tuple(ADDRESS, port, ADDRESS, PORT);
            this.serverEnd = tuple(ADDRESS, PORT, ADDRESS, port);
            this.quota = 50 + (index * 37) % 51;
            this.clientIsn = (index * 2_654_435_761L) & 0xffff_ffffL;
            this.serverIsn = (index * 40_503L + 12_345) & 0xffff_ffffL;
        }
    }

    private final NodeIdentity node;
    private final ApiHttpTraffic traffic = new ApiHttpTraffic(42, ADDRESS + ":" + PORT);
    private final Connection[] open = new Connection[OPEN];
    private final long bootEpochNs;
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private long timeNs;
    private long seq;
    private int connections;
    private int requests;
    private int l7Events;
    private int tcpEvents;
    private int turn;

    KeepAliveHttpWorkload(NodeIdentity node, long epochMs) {
        this.node = node;
        this.timeNs = epochMs * 1_000_000L;
        this.bootEpochNs = timeNs - UPTIME_NS;
    }

    long timeMs() {
        return timeNs / 1_000_000L;
    }

    void advance(long ms) {
        timeNs += ms * 1_000_000L;
    }

    /** The next record's header (heartbeats take sequence numbers like any record). */
    RawHeader header(boolean heartbeat) {
        seq++;
        return new RawHeader(node.cluster(), node.node(), node.bootId(), seq, timeNs - bootEpochNs, timeNs, heartbeat);
    }

    static TaskContext collector() {
        return task(1, 1, "collector");
    }

    NodeInventory snapshot() {
        List<ProcessSnapshot> processes = new ArrayList<>();
        processes.add(process(NGINX));
        CLIENTS.forEach(client -> processes.add(process(client)));
        return NodeInventory.newBuilder().setHeader(header(false)).setTask(collector())
                .setHostname(node.node()).setKernelRelease("6.18").setCollectorVersion("bench").setClockOffsetNs(0)
                .setSnapshotId(seq).setPart(0).setParts(1)
                .setNamespaces(List.of(NetworkNamespace.newBuilder().setInode(NETNS).setInterfaces(List.of(
                        NetworkInterface.newBuilder().setName("eth0").setAddresses(List.of("127.0.0.1", ADDRESS))
                                .build())).build()))
                .setProcesses(processes)
                .setListeners(List.of(ListenerSnapshot.newBuilder().setNetnsInode(NETNS).setSocketInode(9)
                        .setPid(NGINX.pid()).setTransport(Transport.TCP).setFamily(AddressFamily.IPV4)
                        .setAddress("0.0.0.0").setPort(PORT).build()))
                .build();
    }

    /**
     * The next connection in turn's next request (its connect and accept first, if it is new), and its closes if
     * that was its last request.
     */
    List<Raw> next() {
        int slot = turn++ % OPEN;
        List<Raw> out = new ArrayList<>(8);
        if (open[slot] == null) {
            open[slot] = new Connection(connections++);
            out.add(tcp(open[slot], TcpEventType.CONNECT_OK, true));
            out.add(tcp(open[slot], TcpEventType.ACCEPT, false));
        }
        Connection c = open[slot];
        request(c, out);
        if (c.done == c.quota) {
            closeInto(c, out);
            open[slot] = null;
        }
        return out;
    }

    /** The closes of the connections still open. */
    List<Raw> closeAll() {
        List<Raw> out = new ArrayList<>();
        for (int slot = 0; slot < OPEN; slot++) {
            if (open[slot] != null) {
                closeInto(open[slot], out);
                open[slot] = null;
            }
        }
        return out;
    }

    int connections() {
        return connections;
    }

    int requests() {
        return requests;
    }

    int l7Events() {
        return l7Events;
    }

    int tcpEvents() {
        return tcpEvents;
    }

    /** Responses written, by status. */
    Map<Integer, Integer> statuses() {
        return statuses;
    }

    private void request(Connection c, List<Raw> out) {
        ApiHttpTraffic.Exchange exchange = traffic.next(timeMs());
        statuses.merge(exchange.status(), 1, Integer::sum);
        byte[] request = exchange.request();
        byte[] response = exchange.response();
        out.add(payload(c, true, Direction.EGRESS, c.toServer, request, c.clientIsn, 6_000));
        out.add(payload(c, false, Direction.INGRESS, c.toServer, request, c.clientIsn, 3_000));
        out.add(payload(c, false, Direction.EGRESS, c.toClient, response, c.serverIsn, 8_000));
        // The client has waited in read since it wrote the request.
        out.add(payload(c, true, Direction.INGRESS, c.toClient, response, c.serverIsn, 3 * STEP_NS));
        c.toServer += request.length;
        c.toClient += response.length;
        c.done++;
        requests++;
    }

    /**
     * One call's L7 event, ending now; the next event is {@link #STEP_NS} later.
     *
     * @param isn the initial sequence number of the sender of these bytes
     */
    private Raw payload(Connection c, boolean clientSocket, Direction direction, long offset, byte[] bytes, long isn,
                        long callNs) {
        RawHeader header = header(false);
        PayloadEvent event = PayloadEvent.newBuilder().setHeader(header)
                .setTask(clientSocket ? c.client.task() : NGINX.task())
                .setSocketInode(clientSocket ? c.clientInode : c.serverInode)
                .setRole(clientSocket ? ConnectionRole.CLIENT : ConnectionRole.SERVER)
                .setTuple(clientSocket ? c.clientEnd : c.serverEnd).setTransport(Transport.TCP).setDirection(direction)
                .setSyscall(direction == Direction.EGRESS ? "write" : "read").setFd(clientSocket ? 7 : 12)
                .setSyscallStartNs(header.getKernelTimeNs() - callNs).setStreamOffset(offset)
                .setByteCount(bytes.length).setHead(ByteBuffer.wrap(bytes)).setHeadTruncated(false)
                .setProtocolHint(L7Protocol.HTTP1).setTcpSeq((isn + 1 + offset) & 0xffff_ffffL).build();
        timeNs += STEP_NS;
        l7Events++;
        return new Raw(TapwireTopic.RAW_L7, key(event.getSocketInode()), event, header.getEpochTimeNs() / 1_000_000L);
    }

    private Raw tcp(Connection c, TcpEventType type, boolean clientSocket) {
        RawHeader header = header(false);
        TcpEvent.Builder event = TcpEvent.newBuilder().setHeader(header)
                .setTask(clientSocket ? c.client.task() : NGINX.task()).setType(type)
                .setSocketInode(clientSocket ? c.clientInode : c.serverInode)
                .setRole(clientSocket ? ConnectionRole.CLIENT : ConnectionRole.SERVER)
                .setTuple(clientSocket ? c.clientEnd : c.serverEnd);
        if (type == TcpEventType.CONNECT_OK) {
            event.setHandshakeNs(80_000L);
        } else if (type == TcpEventType.CLOSE) {
            event.setBytesSent(clientSocket ? c.toServer : c.toClient)
                    .setBytesReceived(clientSocket ? c.toClient : c.toServer).setSrttUs(60);
        }
        timeNs += STEP_NS;
        tcpEvents++;
        return new Raw(TapwireTopic.RAW_TCP, key(event.getSocketInode()), event.build(),
                header.getEpochTimeNs() / 1_000_000L);
    }

    private void closeInto(Connection c, List<Raw> out) {
        out.add(tcp(c, TcpEventType.CLOSE, true));
        out.add(tcp(c, TcpEventType.CLOSE, false));
    }

    private String key(long socketInode) {
        return new ConnectionKey(node.cluster(), node.node(), node.bootId(), socketInode).format();
    }

    private static SocketTuple tuple(String local, int localPort, String remote, int remotePort) {
        return SocketTuple.newBuilder().setFamily(AddressFamily.IPV4).setLocalAddress(local).setLocalPort(localPort)
                .setRemoteAddress(remote).setRemotePort(remotePort).build();
    }

    private static ProcessSnapshot process(Service service) {
        return ProcessSnapshot.newBuilder().setPid(service.pid()).setPpid(1).setStartTimeTicks(service.startTicks())
                .setComm(service.comm()).setExe(service.exe()).setCgroupId(2).setCgroupPath(service.cgroup())
                .setNetnsInode(NETNS).build();
    }

    private static TaskContext task(int pid, long startTicks, String comm) {
        return TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(comm).setCgroupId(2).setNetnsInode(NETNS)
                .setProcessStartTicks(startTicks).build();
    }
}
