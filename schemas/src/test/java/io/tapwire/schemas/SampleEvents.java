package io.tapwire.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.Transport;

/** Realistic raw records for tests. */
public final class SampleEvents {

    private SampleEvents() {
    }

    /** A client's HTTP GET as the kernel would capture it on a write. */
    public static PayloadEvent httpRequest(long seq) {
        byte[] head = ("GET /api/orders?id=42 HTTP/1.1\r\nHost: shop.internal\r\nUser-Agent: curl/7.88.1\r\n"
                + "Accept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return PayloadEvent.newBuilder()
                .setHeader(RawHeader.newBuilder().setCluster("prod-eu").setNode("node-7")
                        .setBootId("6a1f0c2e-9d3b-4b8e-8f51-2f7c3a9e1d04").setSeq(seq)
                        .setKernelTimeNs(81_234_567_890_123L + seq).setEpochTimeNs(1_795_000_000_000_000_000L + seq).build())
                .setTask(TaskContext.newBuilder().setPid(31337).setTid(31338).setComm("curl").setCgroupId(8812)
                        .setNetnsInode(4026531840L).build())
                .setSocketInode(1_234_567L)
                .setRole(ConnectionRole.CLIENT)
                .setTuple(SocketTuple.newBuilder().setFamily(AddressFamily.IPV4).setLocalAddress("10.0.3.17")
                        .setLocalPort(51234).setRemoteAddress("10.0.9.4").setRemotePort(8080).build())
                .setTransport(Transport.TCP)
                .setDirection(Direction.EGRESS)
                .setSyscall("sendto")
                .setFd(5)
                .setSyscallStartNs(81_234_567_880_000L + seq)
                .setStreamOffset(0)
                .setByteCount(head.length)
                .setHead(ByteBuffer.wrap(head))
                .setHeadTruncated(false)
                .setProtocolHint(L7Protocol.HTTP1)
                .setTcpSeq(3_141_592_653L)
                .build();
    }
}
