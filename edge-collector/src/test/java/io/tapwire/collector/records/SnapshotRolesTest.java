package io.tapwire.collector.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import org.junit.jupiter.api.Test;

class SnapshotRolesTest {

    @Test
    void aSnapshotReplacesTheRolesOfTheOneBefore() {
        SnapshotRoles roles = new SnapshotRoles();
        assertThat(roles.of(10)).isEqualTo(ConnectionRole.UNKNOWN);

        roles.update(List.of(part(connection(10, ConnectionRole.CLIENT)), part(connection(11, ConnectionRole.SERVER))));
        assertThat(roles.of(10)).isEqualTo(ConnectionRole.CLIENT);
        assertThat(roles.of(11)).as("from the second part").isEqualTo(ConnectionRole.SERVER);

        roles.update(List.of(part(connection(11, ConnectionRole.SERVER))));
        assertThat(roles.of(10)).as("closed since: no longer listed").isEqualTo(ConnectionRole.UNKNOWN);
        assertThat(roles.of(11)).isEqualTo(ConnectionRole.SERVER);
    }

    private static NodeInventory part(ConnectionSnapshot connection) {
        return NodeInventory.newBuilder()
                .setHeader(RawHeader.newBuilder().setCluster("c").setNode("n").setBootId("b").setSeq(1).setKernelTimeNs(1)
                        .setEpochTimeNs(1).build())
                .setTask(TaskContext.newBuilder().setPid(1).setTid(1).setComm("collector").setCgroupId(1)
                        .setNetnsInode(4026531840L).setProcessStartTicks(1).build())
                .setHostname("n").setKernelRelease("6.18").setCollectorVersion("test").setClockOffsetNs(0)
                .setSnapshotId(1).setPart(0).setParts(1).setConnections(List.of(connection)).build();
    }

    private static ConnectionSnapshot connection(long inode, ConnectionRole role) {
        return ConnectionSnapshot.newBuilder().setNetnsInode(4026531840L).setSocketInode(inode).setPids(List.of(1))
                .setRole(role).setTuple(SocketTuple.newBuilder().setFamily(AddressFamily.IPV4)
                        .setLocalAddress("10.0.0.1").setLocalPort(40000).setRemoteAddress("10.0.0.2")
                        .setRemotePort(5432).build())
                .setTcpState("ESTABLISHED").build();
    }
}
