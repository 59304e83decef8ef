package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetNamespacesTest {

    static final long HOST = 4026531840L;
    static final long POD = 4026532177L;

    @TempDir
    Path root;
    FakeProcTree tree;
    NetNamespaces namespaces;

    @BeforeEach
    void setUp() {
        tree = new FakeProcTree(root);
        namespaces = new NetNamespaces(tree.procFs());
    }

    @Test
    void findsEachNamespaceThroughItsProcessesAndReadsItsAddresses() {
        withNetFiles(tree.process(1, 0, 1, "init").netns(HOST), "host");
        withNetFiles(tree.process(50, 1, 10, "sleep").netns(POD), "netns-lo-down");
        withNetFiles(tree.process(60, 1, 11, "sleep").netns(POD), "netns-lo-down");
        tree.process(70, 1, 12, "private"); // its namespace link is unreadable

        assertThat(namespaces.members()).isEqualTo(Map.of(HOST, List.of(1), POD, List.of(50, 60)));
        List<NamespaceAddresses> all = namespaces.readAll();

        assertThat(all).extracting(NamespaceAddresses::inode).containsExactly(HOST, POD);
        assertThat(all.get(1).interfaces()).containsExactly(new InterfaceAddresses("lo", List.of("10.77.9.1")));
        assertThat(namespaces.lookup(POD)).contains(all.get(1));
    }

    @Test
    void aVanishedMemberIsSkippedForTheNextOne() {
        withNetFiles(tree.process(50, 1, 10, "gone").netns(POD), "netns-lo-down");
        withNetFiles(tree.process(60, 1, 11, "sleep").netns(POD), "netns-veth");
        Map<Long, List<Integer>> members = namespaces.members();
        tree.vanish(50);

        List<NamespaceAddresses> all = namespaces.readAll(members);

        assertThat(IpAddrOutput.pairs(all.get(0).interfaces())).contains("va 10.77.10.1");
    }

    @Test
    void aMemberThatMovedToAnotherNamespaceIsNotBelieved() {
        withNetFiles(tree.process(50, 1, 10, "moved").netns(HOST), "host");

        assertThat(namespaces.readAll(Map.of(POD, List.of(50)))).isEmpty();
    }

    @Test
    void lookupOfANamespaceNoProcessIsInGivesNothing() {
        withNetFiles(tree.process(1, 0, 1, "init").netns(HOST), "host");

        assertThat(namespaces.lookup(POD)).isEmpty();
        assertThat(namespaces.lookup(HOST)).isPresent();
    }

    @Test
    void readInsideGivesTheFirstAnswerThroughAStableMember() {
        tree.process(1, 0, 1, "a").netns(HOST);
        tree.process(2, 0, 1, "b").netns(HOST);

        Optional<Integer> answer = namespaces.readInside(HOST, List.of(1, 2),
                pid -> pid == 1 ? Optional.empty() : Optional.of(pid));

        assertThat(answer).contains(2);
    }

    private static void withNetFiles(FakeProcTree.FakeProcess process, String capture) {
        for (String file : List.of("dev", "fib_trie", "route", "if_inet6")) {
            process.net(file, Captures.read(capture + "/" + file));
        }
    }
}
