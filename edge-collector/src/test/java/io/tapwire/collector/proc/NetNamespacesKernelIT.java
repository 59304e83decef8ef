package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Namespace addresses read from /proc against {@code ip -o addr}, in this JVM's namespace and in new ones. */
class NetNamespacesKernelIT {

    final NetNamespaces namespaces = new NetNamespaces(ProcFs.system());

    @BeforeAll
    static void requireRoot() throws Exception {
        RealMachine.requireRoot();
    }

    @Test
    void ownNamespaceMatchesIpAddr() throws Exception {
        long own = ProcFs.system().netNamespaceInode((int) ProcessHandle.current().pid()).orElseThrow();

        NamespaceAddresses addresses = namespaces.lookup(own).orElseThrow();

        assertThat(IpAddrOutput.pairs(addresses.interfaces()))
                .isEqualTo(IpAddrOutput.pairs(RealMachine.run("ip", "-o", "addr")));
    }

    @Test
    void newNamespaceWithAnAddressOnLoopbackIsFoundWithIt() throws Exception {
        try (RealMachine.TestNamespace namespace = RealMachine.TestNamespace.create()) {
            namespace.exec("ip", "addr", "add", "10.77.9.1/24", "dev", "lo");
            namespace.startMember();

            NamespaceAddresses addresses = namespaces.readAll().stream()
                    .filter(candidate -> candidate.inode() == inode(namespace)).findFirst().orElseThrow();

            assertThat(IpAddrOutput.pairs(addresses.interfaces())).containsExactly("lo 10.77.9.1")
                    .isEqualTo(IpAddrOutput.pairs(namespace.exec("ip", "-o", "addr")));
        }
    }

    @Test
    void namespaceWithSeveralDevicesMatchesIpAddrButForAnAddressWithoutPrefixRoute() throws Exception {
        try (RealMachine.TestNamespace namespace = RealMachine.TestNamespace.create()) {
            namespace.exec("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
            namespace.exec("ip", "addr", "add", "10.77.9.1/24", "dev", "lo");
            namespace.exec("ip", "addr", "add", "10.77.10.1/24", "dev", "va");
            namespace.exec("ip", "addr", "add", "fd77::1/64", "dev", "va", "nodad");
            namespace.exec("ip", "addr", "add", "10.77.11.1/24", "dev", "vb");
            namespace.exec("ip", "addr", "add", "10.77.12.7/32", "dev", "vb");
            for (String link : new String[] {"lo", "va", "vb"}) {
                namespace.exec("ip", "link", "set", link, "up");
            }
            namespace.startMember();

            NamespaceAddresses addresses = namespaces.lookup(namespace.inode()).orElseThrow();

            Set<String> expected = new TreeSet<>(IpAddrOutput.pairs(namespace.exec("ip", "-o", "addr")));
            assertThat(expected).contains("vb 10.77.12.7", "va 10.77.10.1", "va fd77::1", "lo 10.77.9.1");
            expected.remove("vb 10.77.12.7");
            expected.add(" 10.77.12.7");
            assertThat(IpAddrOutput.pairs(addresses.interfaces())).isEqualTo(expected);
        }
    }

    private static long inode(RealMachine.TestNamespace namespace) {
        try {
            return namespace.inode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
