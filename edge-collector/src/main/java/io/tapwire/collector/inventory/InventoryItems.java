package io.tapwire.collector.inventory;

import io.tapwire.collector.proc.CgroupPath;
import io.tapwire.collector.proc.Executable;
import io.tapwire.collector.proc.NamespaceAddresses;
import io.tapwire.collector.proc.ProcessFacts;
import io.tapwire.collector.proc.InetSocket;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.NetworkInterface;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.SocketTuple;
import java.util.OptionalLong;

/** Turns facts read from /proc into the Avro items of a snapshot. */
final class InventoryItems {

    private InventoryItems() {
    }

    /**
     * @param cgroupId the cgroup2 id of the process's cgroup, empty when unknown (a v1 path, a removed cgroup)
     */
    static ProcessSnapshot process(ProcessFacts facts, OptionalLong cgroupId) {
        return ProcessSnapshot.newBuilder()
                .setPid(facts.pid())
                .setPpid(facts.ppid())
                .setStartTimeTicks(facts.startTimeTicks())
                .setUid(facts.uid().isPresent() ? facts.uid().getAsInt() : null)
                .setComm(facts.comm())
                .setExe(facts.executable().map(Executable::path).orElse(null))
                .setCmdline(facts.cmdline())
                .setCgroupId(cgroupId.orElse(0))
                .setCgroupPath(facts.cgroup().map(CgroupPath::recorded).orElse(null))
                .setNetnsInode(facts.netNamespaceInode().orElse(0))
                .build();
    }

    static NetworkNamespace namespace(NamespaceAddresses addresses) {
        return NetworkNamespace.newBuilder()
                .setInode(addresses.inode())
                .setInterfaces(addresses.interfaces().stream()
                        .map(anInterface -> NetworkInterface.newBuilder()
                                .setName(anInterface.name())
                                .setAddresses(anInterface.addresses())
                                .build())
                        .toList())
                .build();
    }

    static AddressFamily family(InetSocket socket) {
        return socket.ipv6() ? AddressFamily.IPV6 : AddressFamily.IPV4;
    }

    static SocketTuple tuple(InetSocket socket) {
        return SocketTuple.newBuilder()
                .setFamily(family(socket))
                .setLocalAddress(socket.localAddress())
                .setLocalPort(socket.localPort())
                .setRemoteAddress(socket.remoteAddress())
                .setRemotePort(socket.remotePort())
                .build();
    }
}
