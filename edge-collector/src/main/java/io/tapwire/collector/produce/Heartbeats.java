package io.tapwire.collector.produce;

import java.nio.ByteBuffer;
import java.util.List;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.FileEvent;
import io.tapwire.schemas.raw.FileEventType;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.ProfileBatch;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;

/**
 * The heartbeat record of each raw topic: a value of the topic's own schema whose header is flagged
 * {@code heartbeat}, every other field at its neutral value, and the collector itself as the task. It makes
 * stream time advance on a partition where nothing happens, so windows there still close.
 */
public final class Heartbeats {

    private Heartbeats() {
    }

    public static SpecificRecord of(TapwireTopic topic, RawHeader header, TaskContext collector) {
        return switch (topic) {
            case RAW_PROCESS -> ProcessEvent.newBuilder().setHeader(header).setTask(collector)
                    .setType(ProcessEventType.UNKNOWN).setPpid(0).setStartTimeTicks(0).build();
            case RAW_TCP -> TcpEvent.newBuilder().setHeader(header).setTask(collector).setType(TcpEventType.UNKNOWN)
                    .setSocketInode(0).setRole(ConnectionRole.UNKNOWN).setTuple(noTuple()).build();
            case RAW_L7 -> PayloadEvent.newBuilder().setHeader(header).setTask(collector).setSocketInode(0)
                    .setRole(ConnectionRole.UNKNOWN).setTuple(noTuple()).setTransport(Transport.UNKNOWN)
                    .setDirection(Direction.UNKNOWN).setSyscall("").setFd(-1).setSyscallStartNs(header.getKernelTimeNs())
                    .setStreamOffset(0).setByteCount(0).setHead(ByteBuffer.allocate(0)).setHeadTruncated(false)
                    .setProtocolHint(L7Protocol.UNKNOWN).build();
            case RAW_FILE -> FileEvent.newBuilder().setHeader(header).setTask(collector).setType(FileEventType.UNKNOWN)
                    .setPath("").setFd(-1).setFlags(0).build();
            case RAW_PROFILE -> ProfileBatch.newBuilder().setHeader(header).setTask(collector)
                    .setIntervalStartNs(header.getKernelTimeNs()).setIntervalNs(0).setSamplingHz(0)
                    .setSamples(List.of()).build();
            case RAW_INVENTORY -> NodeInventory.newBuilder().setHeader(header).setTask(collector).setHostname("")
                    .setKernelRelease("").setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(header.getSeq())
                    .setPart(0).setParts(0).build();
            default -> throw new IllegalArgumentException(topic.topicName() + " is not a raw topic");
        };
    }

    /** A key in the topic's documented format naming no real entity (pid 0, socket inode 0). */
    public static String key(TapwireTopic topic, NodeIdentity node) {
        return switch (topic.keyFormat()) {
            case NODE -> new NodeKey(node.cluster(), node.node()).format();
            case NODE_PID -> new NodePidKey(node.cluster(), node.node(), 0).format();
            case CONNECTION -> new ConnectionKey(node.cluster(), node.node(), node.bootId(), 0).format();
            default -> throw new IllegalArgumentException(topic.topicName() + " is not a raw topic");
        };
    }

    private static SocketTuple noTuple() {
        return SocketTuple.newBuilder().setFamily(AddressFamily.UNKNOWN).setLocalAddress("").setLocalPort(0)
                .setRemoteAddress("").setRemotePort(0).build();
    }
}
