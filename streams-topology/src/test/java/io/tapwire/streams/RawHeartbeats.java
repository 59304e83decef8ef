package io.tapwire.streams;

import java.nio.ByteBuffer;

import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;

/**
 * The heartbeat records of the raw topics the topology reads, as the collector writes them (its {@code Heartbeats}):
 * a value of the topic's own schema whose header is flagged {@code heartbeat}, every other field neutral.
 */
public final class RawHeartbeats {

    private RawHeartbeats() {
    }

    /** The heartbeat of {@code topic} with {@code header} (its heartbeat flag is set here). */
    public static SpecificRecord of(TapwireTopic topic, RawHeader header) {
        RawHeader h = RawHeader.newBuilder(header).setHeartbeat(true).build();
        TaskContext collector = TaskContext.newBuilder().setPid(1).setTid(1).setComm("collector").setCgroupId(1)
                .setNetnsInode(0).setProcessStartTicks(1).build();
        SocketTuple none = SocketTuple.newBuilder().setFamily(AddressFamily.UNKNOWN).setLocalAddress("").setLocalPort(0)
                .setRemoteAddress("").setRemotePort(0).build();
        return switch (topic) {
            case RAW_PROCESS -> ProcessEvent.newBuilder().setHeader(h).setTask(collector).setType(ProcessEventType.UNKNOWN)
                    .setPpid(0).setStartTimeTicks(0).build();
            case RAW_TCP -> TcpEvent.newBuilder().setHeader(h).setTask(collector).setType(TcpEventType.UNKNOWN)
                    .setSocketInode(0).setRole(ConnectionRole.UNKNOWN).setTuple(none).build();
            case RAW_L7 -> PayloadEvent.newBuilder().setHeader(h).setTask(collector).setSocketInode(0)
                    .setRole(ConnectionRole.UNKNOWN).setTuple(none).setTransport(Transport.UNKNOWN)
                    .setDirection(Direction.UNKNOWN).setSyscall("").setFd(-1).setSyscallStartNs(h.getKernelTimeNs())
                    .setStreamOffset(0).setByteCount(0).setHead(ByteBuffer.allocate(0)).setHeadTruncated(false)
                    .setProtocolHint(L7Protocol.UNKNOWN).build();
            case RAW_INVENTORY -> NodeInventory.newBuilder().setHeader(h).setTask(collector).setHostname("")
                    .setKernelRelease("").setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(0).setPart(0)
                    .setParts(0).build();
            default -> throw new IllegalArgumentException(topic.topicName() + " is not read by the topology");
        };
    }
}
